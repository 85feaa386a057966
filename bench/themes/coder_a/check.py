import csv
from collections import Counter
ans=[r['id'] for r in csv.DictReader(open('answers.csv',encoding='utf-8'))]
cb=list(csv.DictReader(open('coder_a/codebook.csv',encoding='utf-8')))
cod=list(csv.DictReader(open('coder_a/coding.csv',encoding='utf-8')))
ids=[r['id'] for r in cod]
assert sorted(ids)==sorted(ans) and len(ids)==len(set(ids)), "ids"
themes={(r['question'],r['theme']) for r in cb}
for r in cod:
    q=r['id'].split('-')[0]
    assert r['theme']=='not placed' or (q,r['theme']) in themes, r
for q,n in Counter(r['question'] for r in cb).items(): assert 4<=n<=10,(q,n)
c=Counter((r['id'].split('-')[0],r['theme']) for r in cod)
for q in sorted({k[0] for k in c}):
    print(q, '; '.join(f"{t} {n}" for (qq,t),n in sorted(c.items(),key=lambda x:-x[1]) if qq==q))
print("OK", len(ids), "answers coded")
