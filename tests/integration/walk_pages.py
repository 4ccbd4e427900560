# walk_pages.py URL FIELD CLIENT KEY SIZE QUERY - walks every page of a
# newest-first list of the API (URL, with QUERY and size=SIZE) and prints
# FIELD of every item, one a line; checks pageInfo on the way and exits
# with a message on anything odd.  Used by lib.sh's walk_pages.
import json, sys, urllib.error, urllib.parse, urllib.request
url, field, client, key, size, query = sys.argv[1:7]
size = int(size)
ids, cursor, pages = [], None, 0
while True:
    q = query + ("&" if query else "") + "size=%d" % size
    if cursor is not None:
        q += "&cursor=" + urllib.parse.quote(cursor)
    r = urllib.request.Request(url + "?" + q,
        headers={"dj-client": client, "dj-api-key": key})
    try:
        d = json.load(urllib.request.urlopen(r, timeout=20))
    except urllib.error.HTTPError as e:
        sys.exit("HTTP %d %s" % (e.code, e.read().decode()))
    pages += 1
    pi = d["pageInfo"]
    if pi["pageSize"] != size or len(d["data"]) > size:
        sys.exit("bad page size %r" % pi)
    if pi["hasNextPage"] != (pi["nextCursor"] is not None):
        sys.exit("hasNextPage and nextCursor disagree: %r" % pi)
    if pi["hasNextPage"] and len(d["data"]) != size:
        sys.exit("a short page before the last: %r" % pi)
    ids += [x[field] for x in d["data"]]
    if not pi["hasNextPage"]:
        break
    cursor = pi["nextCursor"]
    if pages > 2000:
        sys.exit("endless walk")
print("\n".join(ids))
