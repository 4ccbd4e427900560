# backoffice.py RESULTS - the back office (www/, SPEC section 13) driven in
# headless Chromium by Selenium, against a running dev stack; run by
# t_backoffice.sh, which loads the data and stops ftx-exportd first.
#
# Writes one line per check to RESULTS: "PASS<TAB>what" or
# "FAIL<TAB>what<TAB>why".  Environment: FTX_URL, FTX_STACK_DIR,
# FTX_SRCDIR, FTX_MAILDIR, FTX_ADMIN, FTX_CONFIG, BO_OPS_KEY, BO_OPS_EMAIL,
# BO_SUP_KEY, BO_SUP_EMAIL, BO_SUP_EXT, BO_XSS_EXT, BO_SHOTS (screenshot
# dir), BO_DOWNLOADS.
#
# Every wait is a condition (WebDriverWait), never a fixed sleep.
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import traceback
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.common.exceptions import StaleElementReferenceException
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

E = os.environ
URL = E["FTX_URL"]
OPS_KEY, OPS_EMAIL = E["BO_OPS_KEY"], E["BO_OPS_EMAIL"]
SUP_KEY, SUP_EXT = E["BO_SUP_KEY"], E["BO_SUP_EXT"]
XSS_EXT = E["BO_XSS_EXT"]
SHOTS, DOWNLOADS = E["BO_SHOTS"], E["BO_DOWNLOADS"]
WAIT = 30
COLUMNS = ["transferId", "createdAt", "status", "amount", "currency",
           "sourceBalanceAccountType", "targetBalanceAccountType",
           "supplierExternalId", "supplierName", "reference",
           "relatedEntityType", "relatedEntityId", "failureReason"]
CC1, CC2 = "finance@bo.example", "audit@bo.example"
EXPORTS = "/v1/payments/funding-transfers/export"

out = open(sys.argv[1], "w")


def check(what, cond, why=""):
    line = ("PASS\t" if cond else "FAIL\t") + what
    if not cond:
        line += "\t" + " | ".join(str(why).splitlines())[:2000]
    out.write(line + "\n")
    out.flush()
    return cond


# ------------------------------------------------------------------ API

def api(path, key, role, query=None):
    if query:
        path += "?" + urllib.parse.urlencode(query)
    h = {"dj-api-key": key}
    if role:
        h["dj-client"] = role
    r = urllib.request.Request(URL + path, headers=h)
    with urllib.request.urlopen(r, timeout=20) as f:
        return json.load(f)


def api_page(key, role, filters, cursor=None, size=50):
    q = dict(filters, size=size)
    if cursor:
        q["cursor"] = cursor
    return api("/v1/payments/funding-transfers", key, role, q)


def as_rows(items):
    return [["" if t[c] is None else str(t[c]) for c in COLUMNS]
            for t in items]


# ------------------------------------------------------------------ browser

def browser():
    profile = tempfile.mkdtemp(prefix="ftx-chromium-")
    o = webdriver.ChromeOptions()
    o.binary_location = "/usr/bin/chromium"
    for a in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
              "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--lang=en-US",
              "--window-size=1280,900", "--user-data-dir=" + profile):
        o.add_argument(a)
    o.add_experimental_option("prefs", {
        "download.default_directory": DOWNLOADS,
        "download.prompt_for_download": False,
        "intl.accept_languages": "en-US"})
    o.set_capability("goog:loggingPrefs",
                     {"browser": "ALL", "performance": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=o)
    d.execute_cdp_cmd("Browser.setDownloadBehavior",
                      {"behavior": "allow", "downloadPath": DOWNLOADS})
    return d


d = browser()
console = []      # every browser console entry of the whole run
requested = []    # every URL the page requested


def drain_logs():
    for e in d.get_log("browser"):
        console.append(e)
    for e in d.get_log("performance"):
        m = json.loads(e["message"])["message"]
        if m.get("method") == "Network.requestWillBeSent":
            requested.append(m["params"]["request"]["url"])


def until(cond, what, timeout=WAIT):
    """Waits for cond() to be true (exceptions count as false)."""
    def f(_):
        try:
            return cond()
        except (StaleElementReferenceException, NoAlertPresentException,
                AttributeError, IndexError, TypeError):
            return False
    return WebDriverWait(d, timeout).until(f, "timed out: " + what)


CONTROLS = "input,select,button,textarea,fieldset,[role=tab],[role=combobox]"


def named(name, css=CONTROLS, visible=True):
    """The control whose accessible name is exactly name (SPEC 13)."""
    # The rendered candidates in one call; then their computed names.
    els = d.execute_script(
        "return [...document.querySelectorAll(arguments[0])].filter(e =>"
        " !arguments[1] || e.getClientRects().length > 0)", css, visible)
    for el in els:
        try:
            if el.accessible_name == name:
                return el
        except StaleElementReferenceException:
            pass    # replaced meanwhile (a list refreshing itself)
    return None


def wait_named(name, css=CONTROLS):
    return until(lambda: named(name, css), "a control named " + name)


def table_rows(tid="transfers"):
    return d.execute_script(
        "return [...document.querySelectorAll('#' + arguments[0] +"
        " ' tbody tr')].filter(tr => !tr.querySelector('td.empty'))"
        ".map(tr => [...tr.cells].map(td => td.textContent.trim()))", tid)


def table_is(expected, what):
    try:
        until(lambda: table_rows() == expected, what)
        return check(what, True)
    except TimeoutException:
        got = table_rows()
        return check(what, False, "%d rows shown, %d expected; first shown %r,"
                     " first expected %r" % (len(got), len(expected),
                                            got[:1], expected[:1]))


def shot(name):
    for w, h in ((1280, 900), (390, 844)):
        d.set_window_size(w, h)
        d.save_screenshot(os.path.join(SHOTS, "%s-%d.png" % (name, w)))
    d.set_window_size(1280, 900)


def set_date(el, iso):
    """Types a date as a keyboard user does (en-US: month, day, year)."""
    y, m, dd = iso.split("-")
    # Focused from the keyboard, the first segment (the month) is active;
    # a click would land on whichever segment is under the pointer.
    d.execute_script("arguments[0].focus()", el)
    el.send_keys(m + dd + y)
    return el.get_property("value") == iso


def sign_in(key, email):
    box = wait_named("API key")
    box.clear()
    box.send_keys(key + Keys.ENTER)    # the keyboard alone
    until(lambda: d.find_element(By.ID, "who-email").text == email,
          "signed in as " + email)


def sign_out():
    wait_named("Sign out").click()
    until(lambda: named("API key") is not None, "the sign-in form")


def tab(name):
    t = wait_named(name, "[role=tab]")
    t.click()
    until(lambda: t.get_attribute("aria-selected") == "true", name + " tab")


def export_row(eid):
    """(status text, details text, action button names) of an export row."""
    return d.execute_script(
        "const tr = document.getElementById('export-' + arguments[0]);"
        "if (!tr) return null;"
        "return [tr.cells[1].textContent.trim(), tr.cells[6].textContent.trim(),"
        " [...tr.querySelectorAll('button')].map(b => b.textContent.trim())]",
        eid)


def open_export():
    tab("Funding Transfers")
    wait_named("Export CSV").click()
    until(lambda: d.find_element(By.ID, "export-dialog").is_displayed(),
          "the export dialog")
    cc = wait_named("CC recipients")
    cc.clear()
    return cc


def newest_export():
    return api(EXPORTS, OPS_KEY, "OPERATOR", {"size": 1})["data"][0]


def run_stack_up():
    subprocess.run([os.path.join(E["FTX_SRCDIR"], "contrib/ftx-stack"), "up"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, timeout=120)


# ------------------------------------------------------------------ journeys

def journey_sign_in():
    d.get(URL + "/")
    box = wait_named("API key")
    check("sign-in page: the key field has focus",
          d.switch_to.active_element == box)
    check("sign-in page: a Sign in button", named("Sign in") is not None)
    shot("signin")
    box.send_keys("ftx_nosuchkey_" + "0" * 32 + Keys.ENTER)
    err = d.find_element(By.ID, "api-key-error")
    until(lambda: err.is_displayed(), "the bad key's message")
    check("a bad key: a message next to the field",
          "not valid" in err.text and
          "api-key-error" in box.get_attribute("aria-describedby"), err.text)
    sign_in(OPS_KEY, OPS_EMAIL)
    who = d.find_element(By.ID, "who").text
    check("signed in: e-mail, role and tenant shown (from /v1/me)",
          OPS_EMAIL in who and "Operator" in who and "Back Office Test" in who,
          who)
    names = ["Sign out", "Created from", "Created to", "Statuses", "Suppliers",
             "Amount min", "Amount max", "Source account type",
             "Target account type", "Currency", "Reference", "Apply filters",
             "Export CSV"]
    missing = [n for n in names if named(n) is None]
    for n in ("Funding Transfers", "Exports"):
        if named(n, "[role=tab]") is None:
            missing.append(n + " (tab)")
    check("operator: every control of SPEC 13 found by its accessible name",
          not missing, "missing: %r" % missing)
    heads = d.execute_script("return [...document.querySelectorAll("
                             "'#transfers thead th')].map(t => t.textContent)")
    check("the table's header cells are the 13 CSV columns", heads == COLUMNS,
          heads)
    # Focus is visible: Tab from the key field lands on a ringed control.
    wait_named("Apply filters").send_keys(Keys.SHIFT + Keys.TAB)
    ring = d.execute_script(
        "const s = getComputedStyle(document.activeElement);"
        "return s.outlineStyle + ' ' + s.outlineWidth")
    check("keyboard focus is visible (an outline)",
          not ring.startswith("none") and not ring.endswith(" 0px"), ring)


def journey_filters():
    first = api_page(OPS_KEY, "OPERATOR", {})
    table_is(as_rows(first["data"]), "no filter: the table is the API's page")
    # Dates, statuses, amounts, account type, currency: a range wide enough
    # for two pages.
    every = api_page(OPS_KEY, "OPERATOR", {}, size=500)["data"]
    frm = every[-1]["createdAt"][:10]
    to = every[5]["createdAt"][:10]
    f = {"createdAtFrom": frm, "createdAtTo": to,
         "statuses": "COMPLETED,FAILED", "amountMin": "1",
         "amountMax": "100000"}
    ok_from = set_date(wait_named("Created from"), frm)
    ok_to = set_date(wait_named("Created to"), to)
    check("dates typed with the keyboard", ok_from and ok_to)
    group = wait_named("Statuses")
    for s in ("COMPLETED", "FAILED"):
        group.find_element(By.CSS_SELECTOR, "input[value=%s]" % s).click()
    wait_named("Amount min").send_keys("1")
    wait_named("Amount max").send_keys("100000")
    wait_named("Apply filters").click()
    p1 = api_page(OPS_KEY, "OPERATOR", f)
    check("the filtered list has a second page", p1["pageInfo"]["hasNextPage"])
    table_is(as_rows(p1["data"]), "filters: the table is the API's page 1")
    shot("transfers")
    wait_named("Next").click()
    p2 = api_page(OPS_KEY, "OPERATOR", f, p1["pageInfo"]["nextCursor"])
    table_is(as_rows(p2["data"]), "Next: the table is the API's page 2")
    wait_named("Previous").click()
    table_is(as_rows(p1["data"]), "Previous: page 1 again")

    # A supplier, chosen with the keyboard from a search.
    sup = api("/v1/payments/suppliers", OPS_KEY, "OPERATOR",
              {"q": "SUP-00002"})["data"][0]
    box = wait_named("Suppliers")
    box.send_keys(sup["name"][:6])
    until(lambda: any(sup["externalId"] in o.text for o in d.find_elements(
        By.CSS_SELECTOR, "#supplier-options [role=option]")),
        "the supplier among the matches")
    for _ in range(20):
        box.send_keys(Keys.ARROW_DOWN)
        act = box.get_attribute("aria-activedescendant")
        if sup["externalId"] in d.find_element(By.ID, act).text:
            break
    box.send_keys(Keys.ENTER)
    until(lambda: sup["externalId"] in d.find_element(
        By.ID, "supplier-chips").text, "the supplier chosen")
    box.send_keys(Keys.ESCAPE)
    Select(wait_named("Source account type")).select_by_value("MARKETPLACE")
    wait_named("Currency").send_keys("eur")
    wait_named("Apply filters").click()
    f2 = dict(f, supplierIds=sup["externalId"],
              sourceBalanceAccountType="MARKETPLACE", currency="EUR")
    p = api_page(OPS_KEY, "OPERATOR", f2)
    check("supplier filter: the API has rows for it", len(p["data"]) > 0)
    table_is(as_rows(p["data"]),
             "filters with a supplier: the table is the API's page")
    return f2


def journey_exports(filters):
    # exportd is stopped: every export stays PENDING until it starts.
    cc = open_export()
    cc.send_keys(CC1 + ", bad@")
    wait_named("Start export").click()
    err = d.find_element(By.ID, "e-cc")
    until(lambda: err.is_displayed(), "the CC error")
    check("a bad CC: the API's message next to the field",
          "must be an e-mail address" in err.text and "bad@" in err.text and
          "e-cc" in cc.get_attribute("aria-describedby"), err.text)
    shot("export-dialog")

    cc.clear()
    cc.send_keys(CC1 + ", " + CC2)
    wait_named("Start export").click()
    until(lambda: named("Exports", "[role=tab]").get_attribute(
        "aria-selected") == "true", "the Exports tab after 201")
    x1 = newest_export()
    until(lambda: (export_row(x1["exportId"]) or [""])[0] == "PENDING",
          "the new export PENDING")
    check("201: the Exports tab shows the new export, PENDING", True)
    check("the export has the applied filters and both CCs",
          x1["filters"].get("supplierIds") == [filters["supplierIds"]] and
          x1["filters"].get("currency") == "EUR" and
          x1["cc"] == [CC1, CC2], x1)

    open_export()
    wait_named("Start export").click()
    box = d.find_element(By.ID, "export-error")
    until(lambda: box.is_displayed(), "the 409 message")
    check("409: says an export is running and names it",
          "already running" in box.text and x1["exportId"] in box.text,
          box.text)
    wait_named("Show running export").click()
    until(lambda: "is-current" in (d.find_element(
        By.ID, "export-" + x1["exportId"]).get_attribute("class") or ""),
        "the running export pointed at")
    check("409: Show running export opens the Exports tab on it", True)

    row = d.find_element(By.ID, "export-" + x1["exportId"])
    row.find_element(By.XPATH, ".//button[normalize-space()='Cancel export']")
    btn = [b for b in row.find_elements(By.TAG_NAME, "button")
           if b.accessible_name == "Cancel export"][0]
    btn.click()
    until(lambda: export_row(x1["exportId"])[0] == "FAILED",
          "the canceled export FAILED")
    r = export_row(x1["exportId"])
    check("Cancel export: FAILED, the reason CANCELED shown",
          "CANCELED" in r[1] and "Cancel export" not in r[2], r)
    a = api(EXPORTS + "/" + x1["exportId"], OPS_KEY, "OPERATOR")
    check("Cancel export: the API says FAILED (CANCELED)",
          a["status"] == "FAILED" and a["failureReason"] == "CANCELED", a)

    # A new export, PENDING until ftx-exportd starts, then READY by itself.
    cc = open_export()
    cc.send_keys(CC1 + ", " + CC2)
    gz = wait_named("Compress (gzip)")
    if not gz.is_selected():
        gz.click()
    wait_named("Start export").click()
    x2 = None
    until(lambda: newest_export()["exportId"] != x1["exportId"], "export 2")
    x2 = newest_export()
    until(lambda: (export_row(x2["exportId"]) or [""])[0] == "PENDING",
          "export 2 PENDING")
    check("a second export after the cancel: PENDING", True)
    check("Compress (gzip) ticked: the export asks for gzip",
          x2["compression"] == "gzip", x2["compression"])
    run_stack_up()
    try:
        until(lambda: export_row(x2["exportId"])[0] == "READY",
              "export 2 READY", 90)
        check("the Exports tab turns READY by itself (no click)", True)
    except TimeoutException:
        check("the Exports tab turns READY by itself (no click)", False,
              export_row(x2["exportId"]))
        return
    shot("exports")
    x2 = api(EXPORTS + "/" + x2["exportId"], OPS_KEY, "OPERATOR")
    row = d.find_element(By.ID, "export-" + x2["exportId"])
    row_text = row.text
    check("READY row: rows and expiry shown",
          str(x2["rowCount"]) in row_text and x2["expiresAt"][:10] in row_text,
          row_text)
    [b for b in row.find_elements(By.TAG_NAME, "button")
     if b.accessible_name == "Download"][0].click()
    check("a gzip export's details say so",
          "Compressed: gzip" in row_text, row_text)
    name = "funding-transfers-%s.csv.gz" % x2["exportId"]
    path = os.path.join(DOWNLOADS, name)
    until(lambda: os.path.exists(path) and
          not glob.glob(os.path.join(DOWNLOADS, "*.crdownload")) and
          os.path.getsize(path) == x2["fileSize"], "the download", 60)
    with open(path, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    check("Download: the bytes have the sha256 the API reports",
          digest == x2["sha256"], digest + " != " + str(x2["sha256"]))
    mails = []

    def mail():
        mails[:] = []
        for f in glob.glob(os.path.join(E["FTX_MAILDIR"], "new", "*")):
            with open(f, "rb") as fh:
                t = fh.read().decode("utf-8", "replace")
            if x2["exportId"] in t:
                mails.append(t)
        return mails
    until(mail, "the e-mail", 30)
    heads = mails[0].split("\n\n", 1)[0].lower()
    check("the e-mail went to both CCs (one message, Cc)",
          len(mails) == 1 and CC1 in heads and CC2 in heads, heads)


def journey_hostile():
    tab("Funding Transfers")
    wait_named("Clear filters").click()
    # A bad filter: the API's message under its field.
    amin = wait_named("Amount min")
    amin.send_keys("12,5")
    wait_named("Apply filters").click()
    err = d.find_element(By.ID, "e-amountMin")
    until(lambda: err.is_displayed(), "the amount's message")
    check("a bad filter: the API's message next to the field",
          err.text and amin.get_attribute("aria-invalid") == "true" and
          "e-amountMin" in amin.get_attribute("aria-describedby"), err.text)
    amin.clear()
    ref = wait_named("Reference")
    ref.send_keys("<script>")
    wait_named("Apply filters").click()
    until(lambda: any("<script>alert(1)</script>" in c
                      for r in table_rows() for c in r), "the hostile row")
    rows = table_rows()
    check("a reference <script>alert(1)</script> is shown as text",
          rows and rows[0][9] == "<script>alert(1)</script>", rows[:1])
    check("a supplier <img src=x onerror=alert(1)> is shown as text",
          rows and rows[0][8] == "<img src=x onerror=alert(1)>", rows[:1])
    box = wait_named("Suppliers")
    box.send_keys("onerror")
    until(lambda: XSS_EXT in d.find_element(By.ID, "supplier-options").text,
          "the hostile supplier among the matches")
    box.send_keys(Keys.ARROW_DOWN + Keys.ENTER)
    until(lambda: "<img src=x onerror=alert(1)>" in d.find_element(
        By.ID, "supplier-chips").text, "the hostile chip")
    check("its name in the picker and the chip is text", True)
    box.send_keys(Keys.ESCAPE)
    counts = d.execute_script(
        "return [document.querySelectorAll('img').length,"
        " document.querySelectorAll('script').length]")
    check("no element made from API values (no img, one script)",
          counts == [0, 1], counts)
    try:
        alert = d.switch_to.alert.text
    except NoAlertPresentException:
        alert = None
    check("no dialog opened", alert is None, alert)


def journey_supplier():
    sign_out()
    ss = d.execute_script("return sessionStorage.length")
    check("Sign out clears sessionStorage", ss == 0, ss)
    d.refresh()
    wait_named("API key")
    check("after a reload: the sign-in page", named("Sign out") is None)
    sign_in(SUP_KEY, E["BO_SUP_EMAIL"])
    who = d.find_element(By.ID, "who").text
    check("supplier: its supplier shown", SUP_EXT in who, who)
    check("supplier: no Suppliers filter",
          named("Suppliers", visible=False) is None or
          not d.find_element(By.ID, "supplier-field").is_displayed())
    p = api_page(SUP_KEY, "SUPPLIER", {})
    table_is(as_rows(p["data"]), "supplier: the table is the API's page")
    check("supplier: only its own transfers",
          p["data"] and all(t["supplierExternalId"] == SUP_EXT
                            for t in p["data"]))
    # The database stops: a clear message, then gone once it is back.
    pidfile = os.path.join(E["FTX_STACK_DIR"], "pgdata", "postmaster.pid")
    with open(pidfile) as fh:
        pg = int(fh.readline())
    os.kill(pg, 2)      # SIGINT: fast shutdown

    def pg_gone():
        try:
            with open("/proc/%d/stat" % pg) as fh:
                return fh.read().split(") ", 1)[1].startswith("Z")
        except OSError:
            return True
    until(pg_gone, "PostgreSQL stopped", 60)
    wait_named("Apply filters").click()
    ban = d.find_element(By.ID, "banner")
    until(lambda: ban.is_displayed(), "the unavailable message")
    check("503: a clear message (the service is unavailable)",
          "unavailable" in ban.text and ban.get_attribute("role") == "alert",
          ban.text)
    run_stack_up()
    wait_named("Apply filters").click()
    until(lambda: not ban.is_displayed(), "the message gone")
    check("503: the message goes once the service answers again", True)
    tab("Exports")
    shot("exports-supplier")
    # Keyboard: arrow keys move between the tabs.
    named("Exports", "[role=tab]").send_keys(Keys.ARROW_LEFT)
    until(lambda: named("Funding Transfers", "[role=tab]").get_attribute(
        "aria-selected") == "true", "ArrowLeft to Funding Transfers")
    check("tabs: arrow keys switch", True)
    sign_out()


def journey_revoked():
    """A key revoked while signed in: back to the sign-in page, told why."""
    sign_in(SUP_KEY, E["BO_SUP_EMAIL"])
    subprocess.run([E["FTX_ADMIN"], "-c", E["FTX_CONFIG"], "key", "revoke",
                    SUP_KEY], stdout=subprocess.DEVNULL, check=True)

    def refused():
        b = named("Apply filters")
        if b is not None:
            b.click()
            return False
        return named("API key") is not None
    until(refused, "the sign-in page after the revocation", 60)
    ban = d.find_element(By.ID, "banner")
    check("401 while signed in: back to sign-in with a clear message",
          ban.is_displayed() and "refused" in ban.text and
          d.execute_script("return sessionStorage.length") == 0, ban.text)


def journey_end():
    d.refresh()
    wait_named("API key")
    state = d.execute_script(
        "return [sessionStorage.length, localStorage.length, document.cookie]")
    check("signed out: nothing in sessionStorage, localStorage or cookies",
          state == [0, 0, ""] and d.get_cookies() == [], state)
    drain_logs()
    secrets = [OPS_KEY, SUP_KEY, OPS_KEY.rsplit("_", 1)[-1],
               SUP_KEY.rsplit("_", 1)[-1]]
    leaks = [u for u in requested if any(s in u for s in secrets)]
    check("no key in any URL the page requested (%d requests)" %
          len(requested), requested and not leaks, leaks[:3])
    csp = [e for e in console if "Content Security Policy" in e["message"] or
           "Content-Security-Policy" in e["message"]]
    check("no CSP violation in the console", not csp, csp[:3])
    # Network lines for the answers the journeys asked for (401 bad key,
    # 400 bad CC, 409, 503 database down) are expected; anything else is
    # an error.
    bad = [e for e in console if e["level"] in ("SEVERE", "WARNING") and
           not (e["source"] == "network" and
                any(" status of %d " % c in e["message"]
                    for c in (400, 401, 409, 503)))]
    check("no other console error or warning (%d entries)" % len(console),
          not bad, bad[:3])


def main():
    for j in (journey_sign_in,):
        j()
    filters = journey_filters()
    def journey_exports_():
        journey_exports(filters)
    steps = [journey_exports_, journey_hostile, journey_supplier,
             journey_revoked, journey_end]
    for s in steps:
        try:
            s()
        except Exception:
            check("journey %s ran to its end" % getattr(s, "__name__", "?"),
                  False, traceback.format_exc())
        drain_logs()


try:
    main()
except Exception:
    check("the journeys ran to their end", False, traceback.format_exc())
finally:
    try:
        drain_logs()
    except Exception:
        pass
    d.quit()
    out.close()
