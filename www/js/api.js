// api.js - the only module that talks to the API and holds the key.
//
// The key lives in sessionStorage (this tab, until it closes or the user
// signs out): never in localStorage, a cookie or a URL.  Requests carry it
// in the dj-api-key header; the role from /v1/me goes in dj-client.

const KEY = 'ftx.apiKey';
const ROLE = 'ftx.role';

export class ApiError extends Error {
	// status: the HTTP status (0: no answer); errors: the API's list of
	// {code, field, message}, or one made here.
	constructor(status, errors) {
		super(errors.map((e) => e.message).join('; '));
		this.status = status;
		this.errors = errors;
	}

	// The first error's code.
	get code() {
		return this.errors.length ? this.errors[0].code : '';
	}
}

let okHook = null;

// onSuccess(fn): fn() after every answered 2xx (the page clears a
// "service unavailable" message with it).
export function onSuccess(fn) {
	okHook = fn;
}

export function session() {
	const key = sessionStorage.getItem(KEY);
	return key ? { key, role: sessionStorage.getItem(ROLE) || '' } : null;
}

export function remember(key, role) {
	sessionStorage.setItem(KEY, key);
	sessionStorage.setItem(ROLE, role);
}

export function forget() {
	sessionStorage.removeItem(KEY);
	sessionStorage.removeItem(ROLE);
	sessionStorage.clear();
}

// Messages for answers without a usable error body, by status.
const FALLBACK = {
	0: 'The server did not answer. Check your connection and try again.',
	401: 'Your API key is not valid (or no longer is). Sign in again.',
	403: 'This key may not do that.',
	404: 'Not found.',
	503: 'The service is unavailable right now (its database cannot be ' +
	    'reached). Nothing was changed; try again in a moment.',
};

function fallback(status) {
	return FALLBACK[status] ||
	    'The server answered ' + status + '. Try again in a moment.';
}

// request(method, path, {query, body, key, role}): the parsed JSON answer
// of a 2xx; throws ApiError otherwise.
export async function request(method, path, opts = {}) {
	const s = session();
	const key = opts.key !== undefined ? opts.key : s && s.key;
	const role = opts.role !== undefined ? opts.role : s && s.role;
	const headers = { Accept: 'application/json' };
	if (key)
		headers['dj-api-key'] = key;
	if (role)
		headers['dj-client'] = role;
	let url = path;
	if (opts.query) {
		const q = new URLSearchParams();
		for (const [k, v] of Object.entries(opts.query))
			if (v !== '' && v !== null && v !== undefined)
				q.set(k, Array.isArray(v) ? v.join(',') : v);
		const qs = q.toString();
		if (qs)
			url += '?' + qs;
	}
	const init = { method, headers, cache: 'no-store', credentials: 'omit' };
	if (opts.body !== undefined) {
		headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(opts.body);
	}
	let res;
	try {
		res = await fetch(url, init);
	} catch (e) {
		throw new ApiError(0, [{ code: 'NETWORK', field: null,
		    message: fallback(0) }]);
	}
	let body = null;
	try {
		body = await res.json();
	} catch (e) {
		body = null;
	}
	if (res.ok) {
		if (okHook)
			okHook();
		return body;
	}
	let errors = body && Array.isArray(body.errors) ? body.errors : [];
	if (errors.length === 0 || res.status === 503)
		errors = [{ code: res.status === 503 ? 'SERVICE_UNAVAILABLE' : '',
		    field: null, message: fallback(res.status) }];
	throw new ApiError(res.status, errors);
}
