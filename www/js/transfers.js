// transfers.js - the Funding Transfers tab: filters, the supplier picker,
// the table of the 13 CSV columns and its keyset pages.

import { request } from './api.js';
import { $, h, replace, text } from './dom.js';
import { SupplierPicker } from './suppliers.js';

const COLUMNS = ['transferId', 'createdAt', 'status', 'amount', 'currency',
    'sourceBalanceAccountType', 'targetBalanceAccountType',
    'supplierExternalId', 'supplierName', 'reference', 'relatedEntityType',
    'relatedEntityId', 'failureReason'];
const PAGE_SIZE = 50;
// Text filters read from the form by name (the API's names).
const SIMPLE = ['createdAtFrom', 'createdAtTo', 'amountMin', 'amountMax',
    'sourceBalanceAccountType', 'targetBalanceAccountType', 'currency',
    'reference', 'relatedEntityType', 'relatedEntityId'];

// badge(status): the status as text with a shape, never colour alone.
export function badge(status) {
	const s = text(status);
	return h('span', { class: 'badge badge-' + s.toLowerCase() },
	    h('span', { class: 'badge-icon', 'aria-hidden': 'true' }), s);
}

export class TransfersView {
	// onError(ApiError): a failure that is not about one field (401, 503...).
	constructor(onError) {
		this.onError = onError;
		this.form = $('filters');
		this.body = document.querySelector('#transfers tbody');
		this.suppliers = new SupplierPicker(onError);
		this.applied = {};	// the filters of the rows on screen
		this.cursors = [null];	// cursors[i]: the cursor of page i
		this.page = 0;
		this.next = null;
		this.seq = 0;
		this.form.addEventListener('submit', (ev) => {
			ev.preventDefault();
			this.apply();
		});
		$('filters-clear').addEventListener('click', () => this.clear());
		$('page-next').addEventListener('click', () => this.go(this.page + 1));
		$('page-prev').addEventListener('click', () => this.go(this.page - 1));
		$('f-currency').addEventListener('input', (ev) => {
			ev.target.value = ev.target.value.toUpperCase();
		});
	}

	// start(me): shown to a newly signed-in user.
	start(me) {
		this.operator = me.role === 'OPERATOR';
		$('supplier-field').hidden = !this.operator;
		this.suppliers.reset(this.operator);
		this.form.reset();
		this.apply();
	}

	stop() {
		this.seq++;
		this.suppliers.reset(false);
		this.form.reset();
		replace(this.body);
	}

	// The filters as the form says, in the API's names (empty ones left out).
	filters() {
		const f = {};
		for (const name of SIMPLE) {
			const v = this.form.elements[name].value.trim();
			if (v !== '')
				f[name] = v;
		}
		const st = [...this.form.querySelectorAll('input[name=statuses]:checked')]
		    .map((el) => el.value);
		if (st.length)
			f.statuses = st;
		if (this.operator) {
			const ids = this.suppliers.selected().map((s) => s.externalId);
			if (ids.length)
				f.supplierIds = ids;
		}
		return f;
	}

	// A summary of the applied filters for the export dialog: [label, value].
	summary() {
		return Object.entries(this.applied).map(([k, v]) => [LABELS[k] || k,
		    k === 'supplierIds' ? this.suppliers.describe(v) :
		    Array.isArray(v) ? v.join(', ') : v]);
	}

	// Changed-but-not-applied filters (the export uses the applied ones).
	dirty() {
		return JSON.stringify(this.filters()) !== JSON.stringify(this.applied);
	}

	clear() {
		this.form.reset();
		this.suppliers.clear();
		this.apply();
	}

	apply() {
		this.applied = this.filters();
		this.cursors = [null];
		this.go(0);
	}

	async go(page) {
		if (page < 0 || page >= this.cursors.length)
			return;
		const seq = ++this.seq;
		fieldErrors(this.form, []);
		$('transfers-status').textContent = 'Loading…';
		this.form.setAttribute('aria-busy', 'true');
		let res;
		try {
			res = await request('GET', '/v1/payments/funding-transfers', {
			    query: { ...this.applied, size: PAGE_SIZE,
			    cursor: this.cursors[page] } });
		} catch (e) {
			if (seq !== this.seq)
				return;
			this.form.removeAttribute('aria-busy');
			$('transfers-status').textContent = '';
			if (e.status === 400)
				fieldErrors(this.form, e.errors);
			else
				this.onError(e);
			return;
		} finally {
			if (seq === this.seq)
				this.form.removeAttribute('aria-busy');
		}
		if (seq !== this.seq)
			return;
		this.page = page;
		this.next = res.pageInfo.hasNextPage ? res.pageInfo.nextCursor : null;
		this.cursors.length = page + 1;
		if (this.next)
			this.cursors.push(this.next);
		this.render(res.data);
	}

	render(rows) {
		replace(this.body, rows.map((t) => h('tr', {},
		    COLUMNS.map((c) => cell(c, t[c])))));
		if (rows.length === 0)
			replace(this.body, h('tr', {}, h('td', { colspan: COLUMNS.length,
			    class: 'empty' }, 'No funding transfers match these filters.')));
		const first = this.page * PAGE_SIZE + 1;
		$('transfers-status').textContent = rows.length === 0 ?
		    'No transfers' : 'Transfers ' + first + '–' +
		    (first + rows.length - 1) + (this.next ? '' : ' (last page)');
		$('page-label').textContent = 'Page ' + (this.page + 1);
		$('page-prev').disabled = this.page === 0;
		$('page-next').disabled = !this.next;
	}
}

// cell(column, value): one cell; data-label names the column where narrow
// screens show each row as a card.
function cell(column, value) {
	const a = { 'data-label': column };
	if (column === 'status')
		return h('td', a, badge(value));
	if (column === 'amount')
		a.class = 'num';
	else if (column === 'transferId' || column === 'supplierExternalId' ||
	    column === 'relatedEntityId')
		a.class = 'mono';
	return h('td', a, text(value));
}

// LABELS: the filters' names as the form shows them.
export const LABELS = {
	createdAtFrom: 'Created from', createdAtTo: 'Created to',
	statuses: 'Statuses', supplierIds: 'Suppliers',
	amountMin: 'Amount min', amountMax: 'Amount max',
	sourceBalanceAccountType: 'Source account type',
	targetBalanceAccountType: 'Target account type',
	currency: 'Currency', reference: 'Reference',
	relatedEntityType: 'Related entity type',
	relatedEntityId: 'Related entity ID',
};

// fieldErrors(form, errors): each API error shown next to its field
// (field "amountMin", "filters.amountMin" or "supplierIds[2]"); the others
// in the form's general error line.
export function fieldErrors(form, errors) {
	for (const el of form.querySelectorAll('.field-error')) {
		el.hidden = true;
		el.textContent = '';
	}
	for (const el of form.querySelectorAll('[aria-invalid]'))
		el.removeAttribute('aria-invalid');
	const general = form.querySelector('.form-error');
	const rest = [];
	for (const e of errors) {
		const name = text(e.field).replace(/^filters\./, '')
		    .replace(/\[\d+\]$/, '');
		const out = name && form.querySelector('#e-' + CSS.escape(name));
		if (!out) {
			rest.push(e.message);
			continue;
		}
		out.textContent = (out.textContent ? out.textContent + ' ' : '') +
		    text(e.message);
		out.hidden = false;
		const input = form.querySelector('#f-' + CSS.escape(name));
		if (input)
			input.setAttribute('aria-invalid', 'true');
	}
	if (general) {
		general.textContent = rest.join(' ');
		general.hidden = rest.length === 0;
	}
}
