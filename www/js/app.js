// app.js - the back office: sign in with an API key, who is signed in,
// the two tabs, and the messages for a key that stops working (401) or a
// service that is down (503).

import { forget, onSuccess, remember, request, session } from './api.js';
import { $, replace, text } from './dom.js';
import { ExportDialog, ExportsView } from './exports.js';
import { TransfersView } from './transfers.js';

let me = null;
const transfers = new TransfersView(apiError);
const exportsView = new ExportsView(apiError);
const dialog = new ExportDialog(transfers,
    (id) => { exportsView.current = id; showTab('exports'); },
    (id) => { exportsView.current = id; showTab('exports'); },
    apiError);

// banner(message, kind): one message at the top of the page; null hides it.
function banner(message, kind, why) {
	const b = $('banner');
	b.textContent = message || '';
	b.className = 'banner' + (kind ? ' banner-' + kind : '');
	b.dataset.kind = why || '';
	b.hidden = !message;
}

// The service answers again: a message about it being down goes.
onSuccess(() => {
	if ($('banner').dataset.kind === 'unavailable')
		banner(null);
});

// apiError(e): a failure that no field explains.
function apiError(e) {
	if (e.status === 401) {
		signOut('Your API key was refused (' + (e.code || 'INVALID_API_KEY') +
		    '): it may have been revoked. Sign in again.');
		return;
	}
	if (e.status === 503 || e.status === 0)
		banner(e.status === 503 ? 'The service is unavailable right now: ' +
		    'its database cannot be reached. Nothing was changed; try ' +
		    'again in a moment.' : text(e.message), 'error', 'unavailable');
	else
		banner(text(e.message), 'error');
}

async function signIn(key) {
	const err = $('api-key-error');
	err.hidden = true;
	$('api-key').removeAttribute('aria-invalid');
	banner(null);
	let who;
	try {
		// /v1/me needs the key alone; the role it returns is then the
		// dj-client of every other request.
		who = await request('GET', '/v1/me', { key, role: '' });
	} catch (e) {
		forget();
		if (e.status === 401 || e.status === 400 || e.status === 403) {
			err.textContent = e.status === 401 ? 'This API key is not ' +
			    'valid: check that you pasted all of it, or ask for a ' +
			    'new one.' : text(e.message);
			err.hidden = false;
			$('api-key').setAttribute('aria-invalid', 'true');
			$('api-key').focus();
		} else {
			apiError(e);
		}
		return false;
	}
	remember(key, who.role);
	me = who;
	show();
	return true;
}

function show() {
	$('who-email').textContent = text(me.email);
	$('who-role').textContent = me.role === 'OPERATOR' ? 'Operator' :
	    me.role === 'SUPPLIER' ? 'Supplier' : text(me.role);
	$('who-tenant').textContent = me.tenant ? text(me.tenant.name) : '';
	$('who-tenant').title = me.tenant ? text(me.tenant.id) : '';
	$('who-supplier-row').hidden = !me.supplier;
	$('who-supplier').textContent = me.supplier ? text(me.supplier.name) +
	    ' (' + text(me.supplier.externalId) + ')' : '';
	$('who').hidden = false;
	$('signin').hidden = true;
	$('app').hidden = false;
	$('api-key').value = '';
	dialog.setRecipient(me.email);
	transfers.start(me);
	showTab('transfers', false);
	exportsView.stop();
	exportsView.start();
	document.title = 'Funding Transfers · ' + text(me.tenant && me.tenant.name);
	$('main').focus();
}

function signOut(message) {
	forget();
	me = null;
	transfers.stop();
	exportsView.stop();
	if ($('export-dialog').open)
		$('export-dialog').close();
	$('who').hidden = true;
	$('app').hidden = true;
	$('signin').hidden = false;
	replace($('who-email'));
	document.title = 'Sign in · DJUST Pay back office';
	banner(message || null, message ? 'error' : null);
	$('api-key').focus();
}

// Tabs (WAI-ARIA tabs pattern: arrow keys move between them).
const TABS = ['transfers', 'exports'];

function showTab(name, focus = true) {
	for (const t of TABS) {
		const on = t === name;
		const tab = $('tab-' + t);
		tab.setAttribute('aria-selected', on ? 'true' : 'false');
		tab.tabIndex = on ? 0 : -1;
		$('panel-' + t).hidden = !on;
		if (on && focus)
			tab.focus();
	}
	if (name === 'exports' && me)
		exportsView.load();
}

for (const t of TABS) {
	const tab = $('tab-' + t);
	tab.addEventListener('click', () => showTab(t));
	tab.addEventListener('keydown', (ev) => {
		const i = TABS.indexOf(t);
		let j = null;
		if (ev.key === 'ArrowRight')
			j = (i + 1) % TABS.length;
		else if (ev.key === 'ArrowLeft')
			j = (i - 1 + TABS.length) % TABS.length;
		else if (ev.key === 'Home')
			j = 0;
		else if (ev.key === 'End')
			j = TABS.length - 1;
		if (j !== null) {
			ev.preventDefault();
			showTab(TABS[j]);
		}
	});
}

$('signin-form').addEventListener('submit', async (ev) => {
	ev.preventDefault();
	const key = $('api-key').value.trim();
	if (key === '') {
		$('api-key-error').textContent = 'Paste your API key first.';
		$('api-key-error').hidden = false;
		$('api-key').focus();
		return;
	}
	const button = ev.target.querySelector('button[type=submit]');
	button.disabled = true;
	try {
		await signIn(key);
	} finally {
		button.disabled = false;
	}
});
$('sign-out').addEventListener('click', () => signOut());

// A reload within the tab keeps the session (sessionStorage).
const s = session();
if (s) {
	signIn(s.key);
} else {
	document.title = 'Sign in · DJUST Pay back office';
	$('api-key').focus();
}
