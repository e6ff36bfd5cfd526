"""The soak's editor: saves random published articles through the admin API,
a few times a second, until the deadline. Prints how many saves succeeded."""

import json
import random
import sys
import time
import urllib.request

BASE, TOKEN, SECONDS, PER_SECOND = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])


def api(method, path, body=None):
    request = urllib.request.Request(
        BASE + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


ids = []
for page in range(1, 11):
    ids += [a["id"] for a in api("GET", f"/admin/api/articles?status=published&page={page}")["articles"]]
deadline = time.monotonic() + SECONDS
saves = failures = 0
while time.monotonic() < deadline:
    started = time.monotonic()
    try:
        article = api("GET", f"/admin/api/articles/{random.choice(ids)}")
        fields = {k: article[k] for k in ("headline", "standfirst", "section", "tags", "authors", "slug", "revision")}
        fields["body_source"] = article["body_source"] + f"\n\nSoak edit {saves}."
        if article.get("lead_image"):
            fields["lead_image"] = article["lead_image"]["id"]
        api("PUT", f"/admin/api/articles/{article['id']}", fields)
        saves += 1
    except Exception as error:  # a refused save is counted, not fatal
        failures += 1
        print(f"save failed: {error}", file=sys.stderr)
    time.sleep(max(0.0, 1.0 / PER_SECOND - (time.monotonic() - started)))
print(json.dumps({"saves": saves, "failures": failures}))
