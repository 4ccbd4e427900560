// exports.js - the Exports tab (the user's exports, refreshed by itself
// while one is PENDING) and the Export CSV dialog.

import { request } from './api.js';
import { $, bytes, h, replace, text, when } from './dom.js';
import { LABELS, badge, fieldErrors } from './transfers.js';

const BASE = '/v1/payments/funding-transfers/export';
const PAGE_SIZE = 20;
const POLL_MS = 2000;

export class ExportsView {
	constructor(onError) {
		this.onError = onError;
		this.body = document.querySelector('#exports tbody');
		this.items = [];
		this.next = null;
		this.timer = null;
		this.seq = 0;
		this.current = null;	// the export to point at (just made, or running)
		this.active = false;
		$('exports-refresh').addEventListener('click', () => this.load());
		$('exports-more').addEventListener('click', () => this.more());
	}

	start() {
		this.active = true;
		this.load();
	}

	stop() {
		this.active = false;
		this.seq++;
		clearTimeout(this.timer);
		this.items = [];
		this.shown = null;
		replace(this.body);
		$('exports-pending').hidden = true;
	}

	// point(id): the row of export id is marked and scrolled to.
	point(id) {
		this.current = id;
		this.load();
	}

	async load() {
		const seq = ++this.seq;
		clearTimeout(this.timer);
		let res;
		try {
			res = await request('GET', BASE, { query: { size: PAGE_SIZE } });
		} catch (e) {
			if (seq === this.seq) {
				this.onError(e);
				this.schedule();
			}
			return;
		}
		if (seq !== this.seq)
			return;
		this.items = res.data;
		this.next = res.pageInfo.hasNextPage ? res.pageInfo.nextCursor : null;
		this.render();
		this.schedule();
	}

	async more() {
		const seq = ++this.seq;
		let res;
		try {
			res = await request('GET', BASE, { query: { size: PAGE_SIZE,
			    cursor: this.next } });
		} catch (e) {
			if (seq === this.seq)
				this.onError(e);
			return;
		}
		if (seq !== this.seq)
			return;
		this.items = this.items.concat(res.data);
		this.next = res.pageInfo.hasNextPage ? res.pageInfo.nextCursor : null;
		this.render();
	}

	pending() {
		return this.items.filter((x) => x.status === 'PENDING').length;
	}

	// While an export is PENDING, the list refreshes itself.
	schedule() {
		clearTimeout(this.timer);
		if (this.active && this.pending() > 0)
			this.timer = setTimeout(() => this.load(), POLL_MS);
	}

	render() {
		const n = this.pending();
		const badgeCount = $('exports-pending');
		badgeCount.textContent = n > 0 ? n + ' pending' : '';
		badgeCount.hidden = n === 0;
		$('exports-status').textContent = this.items.length === 0 ?
		    'No exports yet. Use Export CSV to start one.' :
		    n > 0 ? 'An export is being generated; this list refreshes ' +
		    'by itself until it is done.' : 'Exports you started';
		$('exports-more').hidden = !this.next;
		// A refresh that changed nothing leaves the rows alone (focus,
		// screen readers); one that did keeps the focused button's row.
		const shown = JSON.stringify([this.items, this.current]);
		if (shown === this.shown)
			return;
		this.shown = shown;
		const focused = document.activeElement &&
		    document.activeElement.closest('#exports tbody tr');
		replace(this.body, this.items.map((x) => this.row(x)));
		if (focused) {
			const tr = document.getElementById(focused.id);
			const target = tr && (tr.querySelector('button') || tr.cells[0]);
			if (target)
				target.focus();
		}
		if (this.current) {
			const tr = document.getElementById('export-' + this.current);
			if (tr)
				tr.scrollIntoView({ block: 'nearest' });
		}
	}

	row(x) {
		const idCell = h('td', { class: 'mono', tabindex: '-1',
		    'data-label': 'Export' },
		    h('span', { id: 'export-id-' + x.exportId }, text(x.exportId)));
		return h('tr', { id: 'export-' + x.exportId,
		    class: x.exportId === this.current ? 'is-current' : null },
		    idCell,
		    h('td', { 'data-label': 'Status' }, badge(x.status)),
		    h('td', { 'data-label': 'Created' }, when(x.createdAt)),
		    h('td', { class: 'num', 'data-label': 'Rows' }, text(x.rowCount)),
		    h('td', { class: 'num', 'data-label': 'Size' }, bytes(x.fileSize)),
		    h('td', { 'data-label': 'Expires' }, when(x.expiresAt)),
		    h('td', { class: 'details', 'data-label': 'Details' }, details(x)),
		    h('td', { class: 'actions' }, this.actions(x)));
	}

	actions(x) {
		const described = 'export-id-' + x.exportId;
		if (x.status === 'READY' && x.downloadUrl) {
			const b = h('button', { type: 'button', class: 'primary small',
			    'aria-describedby': described }, 'Download');
			b.addEventListener('click', () => download(x.downloadUrl));
			return b;
		}
		if (x.status === 'PENDING') {
			const b = h('button', { type: 'button', class: 'danger small',
			    'aria-describedby': described }, 'Cancel export');
			b.addEventListener('click', () => this.cancel(x.exportId, b));
			return b;
		}
		return null;
	}

	async cancel(id, button) {
		button.disabled = true;
		try {
			await request('DELETE', BASE + '/' + encodeURIComponent(id));
		} catch (e) {
			// 409: it finished meanwhile; the refresh shows how.
			if (e.status !== 409)
				this.onError(e);
		}
		this.current = id;
		await this.load();
		const tr = document.getElementById('export-' + id);
		if (tr)
			tr.querySelector('td').focus();
	}
}

// filtersText(f): an export's stored filters, in the form's words.
function filtersText(f) {
	const parts = Object.entries(f || {}).filter(([, v]) => v !== null &&
	    !(Array.isArray(v) && v.length === 0)).map(([k, v]) =>
	    (LABELS[k] || k) + ' ' + (Array.isArray(v) ? v.join(', ') : text(v)));
	return parts.length ? parts.join(' · ') : 'no filter (everything you can see)';
}

function details(x) {
	const parts = [];
	if (x.status === 'FAILED' && x.failureReason === 'CANCELED')
		parts.push(h('p', { class: 'reason' }, h('strong', {}, 'Canceled'),
		    ' before it was generated (CANCELED); nothing was sent.'));
	else if (x.status === 'FAILED' && x.failureReason)
		parts.push(h('p', { class: 'reason' }, h('strong', {}, 'Failed: '),
		    text(x.failureReason)));
	if (x.undeliveredRecipients && x.undeliveredRecipients.length)
		parts.push(h('p', { class: 'warn' }, h('strong', {},
		    'Not delivered to: '), x.undeliveredRecipients.join(', ')));
	parts.push(h('p', { class: 'muted' }, 'Filters: ' + filtersText(x.filters)));
	if (x.cc && x.cc.length)
		parts.push(h('p', { class: 'muted' }, 'CC: ' + x.cc.join(', ')));
	if (x.compression)
		parts.push(h('p', { class: 'muted' }, 'Compressed: ' +
		    text(x.compression) + ' (.csv.gz)'));
	if (x.status === 'READY' && x.sha256)
		parts.push(h('p', { class: 'muted mono hash', title: 'SHA-256' },
		    'SHA-256 ' + text(x.sha256).slice(0, 12) + '…'));
	return parts;
}

// download(url): the browser saves the file (the signed link is the
// credential; no key is involved).
function download(url) {
	const a = h('a', { href: url, download: '', hidden: true });
	document.body.appendChild(a);
	a.click();
	a.remove();
}

export class ExportDialog {
	// transfers: the TransfersView (its applied filters); onCreated(id),
	// onRunning(id): after a 201, and on "Show running export" after a 409.
	constructor(transfers, onCreated, onRunning, onError) {
		this.transfers = transfers;
		this.onCreated = onCreated;
		this.onRunning = onRunning;
		this.onError = onError;
		this.dialog = $('export-dialog');
		this.form = $('export-form');
		this.busy = false;
		this.form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			this.submit();
		});
		$('export-close').addEventListener('click', () => this.dialog.close());
		$('export-open').addEventListener('click', () => this.open());
	}

	open(email) {
		fieldErrors(this.form, []);
		this.showError(null);
		const sum = this.transfers.summary();
		replace($('export-summary'), sum.length === 0 ?
		    h('li', {}, 'None: every funding transfer you can see.') :
		    sum.map(([k, v]) => h('li', {}, h('span', { class: 'k' }, k + ': '),
		    text(v))));
		if (this.transfers.dirty())
			$('export-summary').appendChild(h('li', { class: 'warn' },
			    'You changed filters without applying them: the export ' +
			    'uses the applied ones, listed here.'));
		this.dialog.showModal();
		$('cc').focus();
	}

	setRecipient(email) {
		$('export-to').textContent = email ? ' (' + email + ')' : '';
	}

	showError(nodes) {
		const box = $('export-error');
		replace(box, nodes || []);
		box.hidden = !nodes;
	}

	async submit() {
		if (this.busy)
			return;
		this.busy = true;
		$('export-start').disabled = true;
		fieldErrors(this.form, []);
		this.showError(null);
		const body = { filters: this.transfers.applied };
		const cc = $('cc').value.trim();
		if (cc !== '')
			body.cc = cc;
		if ($('compression').checked)
			body.compression = 'gzip';
		try {
			const x = await request('POST', BASE, { body });
			this.dialog.close();
			$('cc').value = '';
			$('compression').checked = false;
			this.onCreated(x.exportId);
		} catch (e) {
			this.failed(e, cc);
		} finally {
			this.busy = false;
			$('export-start').disabled = false;
		}
	}

	failed(e, cc) {
		if (e.status === 400) {
			// cc[N] is the N-th address of the comma-separated field.
			const entries = cc.split(',');
			const errs = e.errors.map((er) => {
				const m = /^cc\[(\d+)\]$/.exec(text(er.field));
				if (!m)
					return er;
				const which = entries[Number(m[1])];
				return { ...er, field: 'cc', message: '“' +
				    text(which).trim() + '”: ' + text(er.message) };
			});
			fieldErrors(this.form, errs);
			$('cc').setAttribute('aria-invalid',
			    errs.some((er) => er.field === 'cc') ? 'true' : 'false');
			if (!$('e-cc').hidden)
				$('cc').focus();
			return;
		}
		if (e.status === 409 && e.code === 'EXPORT_ALREADY_PENDING') {
			const m = /export (\S+) is still PENDING/.exec(e.errors[0].message);
			const id = m ? m[1] : null;
			const show = h('button', { type: 'button', class: 'link' },
			    'Show running export');
			show.addEventListener('click', () => {
				this.dialog.close();
				this.onRunning(id);
			});
			this.showError([h('p', {}, h('strong', {},
			    'An export is already running. '),
			    id ? ['Export ', h('span', { class: 'mono' }, id),
			    ' is still PENDING: wait for it to finish or cancel it ' +
			    'in the Exports tab, then start this one.'] :
			    text(e.errors[0].message)), show]);
			show.focus();
			return;
		}
		if (e.status === 401) {
			this.dialog.close();
			this.onError(e);
			return;
		}
		this.showError([h('p', {}, e.status === 503 ?
		    'The service is unavailable right now: the export was not ' +
		    'started. Try again in a moment.' : text(e.message))]);
	}
}
