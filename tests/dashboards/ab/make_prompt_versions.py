# Writes prompt_versions.test beside it: the events, and the expected answer computed with the
# independent formulas of ../reference_stats.py (not with the server's code).
#   python3 tests/dashboards/ab/make_prompt_versions.py
import json, math, os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from reference_stats import *
def ev(i, ver, cost, lat, out, ttft=None, help=None, status='ok', cache=None, day='2026-01-01'):
    e={"id":f"{ver}-{i}","ts":f"{day}T{10+i:02d}:00:00Z","model":"m","prompt_version":ver,"cost_usd":cost,"latency_ms":lat,"output_tokens":out,"input_tokens":500}
    if ttft is not None: e["ttft_ms"]=ttft; e["streaming"]=True
    if help is not None: e["scores"]={"helpfulness":help}
    if status!='ok': e["status"]=status
    if cache is not None: e["cache_hit"]=cache
    return e
events=[ev(1,'v1',.010,100,100,50,.6), ev(2,'v1',.012,120,120,70,.7), ev(3,'v1',.011,110,110,None,.65,cache=True), ev(4,'v1',.013,130,130,status='error'),
        ev(5,'v2',.008,90,80,40,.8), ev(6,'v2',.009,95,90,45,.9), ev(7,'v2',.007,85,70,None,.85), ev(8,'v2',.008,100,85),
        ev(9,'v3',.5,900,900,None,.1), ev(1,'v1',.9,900,900,day='2025-12-31')]
events[-1]["id"]="v1-old"
z=norm_q(0.975); F=norm_q(0.975)+norm_q(0.8)
def mean_metric(metric,label,unit,better,a,b):
    sa,sb=summ(a),summ(b); w=welch(sa,sb)
    R=sb[1]/sa[1]; se=abs(R)*math.sqrt(sa[2]/(sa[0]*sa[1]**2)+sb[2]/(sb[0]*sb[1]**2))
    mde=F*math.sqrt(sa[2]/sa[0]+sb[2]/sb[0])
    return dict(metric=metric,label=label,unit=unit,better=better,test="welch_t",
      a=dict(n=sa[0],mean=sa[1],sd=math.sqrt(sa[2])), b=dict(n=sb[0],mean=sb[1],sd=math.sqrt(sb[2])),
      diff=w['diff'],ci95=[w['lo'],w['hi']],rel_diff=R-1,rel_ci95=[R-1-z*se,R-1+z*se],p_value=w['p'],mde=mde,mde_rel=mde/abs(sa[1]))
def rate_metric(metric,label,better,x1,n1,x2,n2):
    p=fisher(x1,n1-x1,x2,n2-x2); pooled=(x1+x2)/(n1+n2); mde=F*math.sqrt(pooled*(1-pooled)*(1/n1+1/n2))
    lo,hi=newcombe(x2,n2,x1,n1); ra=x1/n1
    return dict(metric=metric,label=label,unit="ratio",better=better,test="fisher_exact",
      a=dict(n=n1,successes=x1,rate=ra,ci95=list(wilson(x1,n1))), b=dict(n=n2,successes=x2,rate=x2/n2,ci95=list(wilson(x2,n2))),
      diff=x2/n2-ra,ci95=[lo,hi],rel_diff=(x2/n2)/ra-1,rel_ci95=[lo/ra,hi/ra],p_value=p,mde=mde,mde_rel=mde/ra)
M=[mean_metric("avg:cost_usd","cost per call","usd","lower",[.010,.012,.011,.013],[.008,.009,.007,.008]),
   mean_metric("avg:latency_ms","latency","ms","lower",[100,120,110,130],[90,95,85,100]),
   mean_metric("avg:ttft_ms","time to first token","ms","lower",[50,70],[40,45]),
   mean_metric("avg:output_tokens","output tokens","tokens","neither",[100,120,110,130],[80,90,70,85]),
   mean_metric("avg:scores.helpfulness","helpfulness","score","higher",[.6,.7,.65],[.8,.9,.85]),
   rate_metric("rate:error","error rate","lower",1,4,0,4),
   rate_metric("rate:cache_hit","cache hit rate","higher",1,4,0,4)]
ps=[m['p_value'] for m in M]; order=sorted(range(len(ps)),key=lambda i:ps[i]); run=0
for r,i in enumerate(order):
    run=max(run,min(1,(len(ps)-r)*ps[i])); M[i]['p_adjusted']=run
for m in M:
    m['significant']=m['p_adjusted']<0.05
    # key order as the server writes it
    keys=["metric","label","unit","better","test","a","b","diff","ci95","rel_diff","rel_ci95","p_value","p_adjusted","significant","mde","mde_rel"]
    m2={k:m[k] for k in keys}; m.clear(); m.update(m2)
expected=dict(range=dict(**{"from":"2026-01-01T00:00:00.000Z","to":"2026-01-02T00:00:00.000Z"}),dimension="prompt_version",
  a=dict(value="v1",calls=4,cost_usd=0.046),b=dict(value="v2",calls=4,cost_usd=0.032),alpha=0.05,power=0.8,metrics=M,
  verdict="prompt_version v2 costs 30 % less per call than v1 (95 % CI 20–41 %, p = 0.040), scores 31 % higher on helpfulness (95 % CI 16–45 %, p = 0.040) and writes 29 % fewer output tokens (95 % CI 19–40 %, p = 0.040); n = 4 vs 4.")
print(json.dumps([ (m['metric'], m['p_adjusted'], m['significant']) for m in M]))
out=open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'prompt_versions.test'),'w')
out.write("""# Two prompt versions on one day, four calls each (plus a v3 call and an old v1 call that the
# request leaves out). Every expected number was computed independently of the server with the
# textbook formulas (Welch t with the incomplete beta by continued fraction, Wilson, Newcombe
# method 10, Fisher exact in rationals, Holm): make_prompt_versions.py writes this file.
#   cost per call: v1 0.010 0.012 0.011 0.013 (mean 0.0115, sd 0.00129), v2 0.008 0.009 0.007
#   0.008 (mean 0.008, sd 0.000816); t = −4.583, df = 5.069, p = 0.00574, Holm × 7 → 0.0402.
#   helpfulness 0.6 0.7 0.65 vs 0.8 0.9 0.85: t = 4.899, df = 4, p = 0.00805 → Holm 0.0402.
#   errors 1/4 vs 0/4, cache hits 1/4 vs 0/4: expected counts 0.5 < 5 → Fisher, p = 1.
# The verdict names the three significant metrics, cost first, then scores, then tokens.

events
""")
for e in events: out.write(json.dumps(e)+"\n")
out.write("\nrequest GET /api/analytics/ab?dimension=prompt_version&a=v1&b=v2&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z\n----\n")
out.write(json.dumps(expected, indent=1, ensure_ascii=False)+"\n")
out.close()
