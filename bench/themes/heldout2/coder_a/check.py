import csv, collections
import os
base=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..") + "/"
ans={r["id"]:r["question"] for r in csv.DictReader(open(base+"answers.csv",encoding="utf-8"))}
cb=list(csv.DictReader(open(base+"coder_a/codebook.csv",encoding="utf-8")))
cod=list(csv.DictReader(open(base+"coder_a/coding.csv",encoding="utf-8")))
themes=collections.defaultdict(set)
for r in cb: themes[r["question"]].add(r["theme"])
ids=[r["id"] for r in cod]
assert len(ids)==len(set(ids)), "dup"
assert set(ids)==set(ans), (set(ans)-set(ids), set(ids)-set(ans))
m={r["id"]:r["theme"] for r in cod}
for r in cod:
    assert r["theme"]=="not placed" or r["theme"] in themes[ans[r["id"]]], r
for q,t in themes.items(): assert 4<=len(t)<=10, q
for r in cb:
    ex=r["examples"].split(); assert len(ex)==3
    for e in ex: assert m[e]==r["theme"] and ans[e]==r["question"], e
for q in sorted(themes):
    c=collections.Counter(m[i] for i in ans if ans[i]==q)
    print(q, len(themes[q]), "themes", dict(c))
print("OK", len(ids))
