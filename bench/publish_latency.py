"""Publish-to-visible latency: save a new headline through the admin API and
poll the public page until readers see it. Prints JSON with every sample."""

import json
import sys
import time
import urllib.request

BASE, TOKEN = sys.argv[1], sys.argv[2]
PAGE = BASE + "/world/us-doubtful-on-ukraine-ceasefire"


def api(method, path, body=None):
    request = urllib.request.Request(
        BASE + path,
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + TOKEN, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request) as response:
        return json.load(response)


found = api("GET", "/admin/api/articles?q=Ukraine%20Ceasefire")
article_id = found["articles"][0]["id"]
samples = []
for n in range(20):
    article = api("GET", f"/admin/api/articles/{article_id}")
    headline = f"US Doubtful on Ukraine Ceasefire (update {n})"
    fields = {
        key: article[key] for key in ("standfirst", "body_source", "section", "tags", "authors", "slug", "revision")
    }
    fields["headline"] = headline
    if article.get("lead_image"):
        fields["lead_image"] = article["lead_image"]["id"]
    urllib.request.urlopen(PAGE).read()  # the page is cached before the change
    started = time.perf_counter()
    api("PUT", f"/admin/api/articles/{article_id}", fields)
    while headline not in urllib.request.urlopen(PAGE).read().decode():
        pass
    samples.append((time.perf_counter() - started) * 1000)
print(json.dumps({"samples_ms": samples}))
