// dom.js - building the page from API values, as text only.
//
// Every value that comes from the API goes through h() or text(): they
// create nodes and Text nodes, never parse HTML, so a supplier named
// "<img src=x onerror=...>" is shown as those characters.

// h(tag, attrs, ...children): a new element.  attrs are set with
// setAttribute (names are ours, values are plain strings; "class" and
// "hidden" included); children are nodes, strings (made Text nodes),
// null/undefined/false (skipped) or arrays of those.
export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs || {})) {
		if (v === null || v === undefined || v === false)
			continue;
		if (k === 'style' || k.startsWith('on'))
			throw new Error('h: ' + k + ' is not allowed');
		el.setAttribute(k, v === true ? '' : String(v));
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false || c === '')
			continue;
		if (Array.isArray(c))
			append(el, c);
		else if (c instanceof Node)
			el.appendChild(c);
		else
			el.appendChild(document.createTextNode(String(c)));
	}
}

// text(v): v as a string for display; null and undefined are "".
export function text(v) {
	return v === null || v === undefined ? '' : String(v);
}

// replace(el, ...children): el's children become children.
export function replace(el, ...children) {
	el.replaceChildren();
	append(el, children);
}

export function $(id) {
	return document.getElementById(id);
}

// bytes(n): a file size for people ("12.4 KB").
export function bytes(n) {
	if (n === null || n === undefined)
		return '';
	if (n < 1024)
		return n + ' B';
	const units = ['KB', 'MB', 'GB'];
	let v = n / 1024, i = 0;
	while (v >= 1024 && i < units.length - 1) {
		v /= 1024;
		i++;
	}
	return v.toFixed(v < 10 ? 1 : 0) + ' ' + units[i];
}

// when(iso): an API timestamp shown as "2026-03-01 14:05 UTC" (the API's
// own value stays in the title and the <time> element).
export function when(iso) {
	if (!iso)
		return '';
	const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):\d{2}Z$/.exec(iso);
	const label = m ? m[1] + ' ' + m[2] + ' UTC' : iso;
	return h('time', { datetime: iso, title: iso }, label);
}
