// suppliers.js - the Suppliers filter (operators only): a search box over
// GET /v1/payments/suppliers?q=, a list of matches to choose from with the
// keyboard or the mouse, and the chosen suppliers as removable chips.

import { request } from './api.js';
import { $, h, replace, text } from './dom.js';

const PAGE = 20;
const DEBOUNCE_MS = 200;

export class SupplierPicker {
	constructor(onError) {
		this.onError = onError;
		this.input = $('f-suppliers');
		this.list = $('supplier-options');
		this.chips = $('supplier-chips');
		this.chosen = new Map();	// externalId -> {externalId, name}
		this.names = new Map();		// every supplier seen, for summaries
		this.matches = [];
		this.active = -1;
		this.timer = null;
		this.seq = 0;
		this.enabled = false;
		this.input.addEventListener('input', () => this.schedule());
		this.input.addEventListener('focus', () => this.schedule());
		this.input.addEventListener('keydown', (ev) => this.key(ev));
		this.input.addEventListener('blur', () => {
			// Let a click on an option land first.
			setTimeout(() => {
				if (document.activeElement !== this.input)
					this.close();
			}, 150);
		});
		this.list.addEventListener('mousedown', (ev) => ev.preventDefault());
		this.list.addEventListener('click', (ev) => {
			const li = ev.target.closest('[role=option]');
			if (li)
				this.pick(Number(li.dataset.index));
		});
	}

	reset(enabled) {
		this.enabled = enabled;
		this.seq++;
		this.chosen.clear();
		this.input.value = '';
		this.close();
		this.renderChips();
	}

	clear() {
		this.chosen.clear();
		this.input.value = '';
		this.renderChips();
	}

	selected() {
		return [...this.chosen.values()];
	}

	// describe(ids): "Name (ID), ..." for the export summary.
	describe(ids) {
		return ids.map((id) => {
			const s = this.names.get(id);
			return s ? s.name + ' (' + id + ')' : id;
		}).join(', ');
	}

	schedule() {
		if (!this.enabled)
			return;
		clearTimeout(this.timer);
		this.timer = setTimeout(() => this.search(), DEBOUNCE_MS);
	}

	async search() {
		const seq = ++this.seq;
		let res;
		try {
			res = await request('GET', '/v1/payments/suppliers', {
			    query: { q: this.input.value.trim(), size: PAGE } });
		} catch (e) {
			if (seq === this.seq && e.status !== 400)
				this.onError(e);
			return;
		}
		if (seq !== this.seq || document.activeElement !== this.input)
			return;
		this.matches = res.data;
		for (const s of res.data)
			this.names.set(s.externalId, s);
		this.active = -1;
		this.renderList(res.pageInfo && res.pageInfo.hasNextPage);
	}

	renderList(more) {
		const items = this.matches.map((s, i) => {
			const on = this.chosen.has(s.externalId);
			return h('li', { role: 'option', id: 'supplier-opt-' + i,
			    'data-index': i, 'aria-selected': on ? 'true' : 'false',
			    class: 'option' },
			    h('span', { class: 'option-name' }, text(s.name)),
			    h('span', { class: 'option-id mono' }, text(s.externalId)));
		});
		if (items.length === 0)
			items.push(h('li', { class: 'option-none' }, 'No supplier matches'));
		else if (more)
			items.push(h('li', { class: 'option-none' },
			    'More suppliers match: type more of the name or ID'));
		replace(this.list, items);
		this.list.hidden = false;
		this.input.setAttribute('aria-expanded', 'true');
		this.input.removeAttribute('aria-activedescendant');
	}

	close() {
		clearTimeout(this.timer);
		this.list.hidden = true;
		this.input.setAttribute('aria-expanded', 'false');
		this.input.removeAttribute('aria-activedescendant');
		this.active = -1;
	}

	key(ev) {
		const n = this.matches.length;
		if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
			ev.preventDefault();
			if (this.list.hidden) {
				this.search();
				return;
			}
			if (n === 0)
				return;
			const d = ev.key === 'ArrowDown' ? 1 : -1;
			this.active = (this.active + d + n) % n;
			this.highlight();
		} else if (ev.key === 'Enter') {
			// Enter in the box never submits the filters by mistake.
			if (!this.list.hidden) {
				ev.preventDefault();
				if (this.active >= 0)
					this.pick(this.active);
				else if (n === 1)
					this.pick(0);
			}
		} else if (ev.key === 'Escape') {
			if (!this.list.hidden) {
				ev.preventDefault();
				this.close();
			}
		}
	}

	highlight() {
		for (const li of this.list.querySelectorAll('[role=option]'))
			li.classList.toggle('is-active',
			    Number(li.dataset.index) === this.active);
		const id = 'supplier-opt-' + this.active;
		this.input.setAttribute('aria-activedescendant', id);
		const li = document.getElementById(id);
		if (li)
			li.scrollIntoView({ block: 'nearest' });
	}

	// pick(i): toggles match i.
	pick(i) {
		const s = this.matches[i];
		if (!s)
			return;
		if (this.chosen.has(s.externalId))
			this.chosen.delete(s.externalId);
		else
			this.chosen.set(s.externalId, s);
		this.renderChips();
		this.renderList(false);
		this.active = i;
		this.highlight();
	}

	renderChips() {
		replace(this.chips, this.selected().map((s) => {
			const b = h('button', { type: 'button', class: 'chip-remove',
			    'aria-label': 'Remove supplier ' + text(s.name) }, '×');
			b.addEventListener('click', () => {
				this.chosen.delete(s.externalId);
				this.renderChips();
				this.input.focus();
			});
			return h('li', { class: 'chip' },
			    h('span', { class: 'chip-name' }, text(s.name)),
			    h('span', { class: 'chip-id mono' }, text(s.externalId)), b);
		}));
	}
}
