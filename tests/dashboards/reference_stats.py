# Reference statistics for the dashboard golden files, written independently of the server (which
# uses Boost.Math): Student's t through the regularized incomplete beta by the continued fraction
# of Numerical Recipes (2nd ed., §6.4), quantiles by bisection, the normal CDF from math.erfc,
# Fisher's exact test summed in rationals (fractions.Fraction, math.comb), Wilson and Newcombe
# (1998, method 10) in closed form. It reproduces R's t.test(extra ~ group, data = sleep) to every
# printed digit (t = -1.8608, df = 17.776, p = 0.07939, CI -3.3654832 0.2054832).
import math
from fractions import Fraction
def betacf(a,b,x):
    MAXIT=10000; EPS=1e-16; FPMIN=1e-300
    qab=a+b; qap=a+1; qam=a-1; c=1.0; d=1-qab*x/qap
    if abs(d)<FPMIN: d=FPMIN
    d=1/d; h=d
    for m in range(1,MAXIT):
        m2=2*m; aa=m*(b-m)*x/((qam+m2)*(a+m2))
        d=1+aa*d; d = FPMIN if abs(d)<FPMIN else d
        c=1+aa/c; c = FPMIN if abs(c)<FPMIN else c
        d=1/d; h*=d*c
        aa=-(a+m)*(qab+m)*x/((a+m2)*(qap+m2))
        d=1+aa*d; d = FPMIN if abs(d)<FPMIN else d
        c=1+aa/c; c = FPMIN if abs(c)<FPMIN else c
        d=1/d; de=d*c; h*=de
        if abs(de-1)<EPS: break
    return h
def betai(a,b,x):
    if x<=0: return 0.0
    if x>=1: return 1.0
    bt=math.exp(math.lgamma(a+b)-math.lgamma(a)-math.lgamma(b)+a*math.log(x)+b*math.log(1-x))
    if x<(a+1)/(a+b+2): return bt*betacf(a,b,x)/a
    return 1-bt*betacf(b,a,1-x)/b
def t_two_sided_p(t,df): return betai(df/2,0.5,df/(df+t*t))
def t_cdf(t,df):
    p=0.5*betai(df/2,0.5,df/(df+t*t))
    return 1-p if t>0 else p
def t_quantile(q,df):
    lo,hi=-1e3,1e3
    for _ in range(300):
        mid=(lo+hi)/2
        if t_cdf(mid,df)<q: lo=mid
        else: hi=mid
    return (lo+hi)/2
def norm_cdf(z): return 0.5*math.erfc(-z/math.sqrt(2))
def norm_q(q):
    lo,hi=-40,40
    for _ in range(300):
        mid=(lo+hi)/2
        if norm_cdf(mid)<q: lo=mid
        else: hi=mid
    return (lo+hi)/2
def summ(xs):
    n=len(xs); m=sum(xs)/n; v=sum((x-m)**2 for x in xs)/(n-1); return n,m,v
def welch(a,b):
    (na,ma,va),(nb,mb,vb)=a,b
    se=math.sqrt(va/na+vb/nb); df=(va/na+vb/nb)**2/((va/na)**2/(na-1)+(vb/nb)**2/(nb-1))
    d=mb-ma; t=d/se; p=t_two_sided_p(t,df); q=t_quantile(0.975,df)
    return dict(diff=d,se=se,df=df,t=t,p=p,lo=d-q*se,hi=d+q*se)
def fisher(a11,a12,a21,a22):
    # rows: groups; exact, rational; R's rule: sum P(x) <= P(obs)*(1+1e-7)
    r1=a11+a12; r2=a21+a22; c1=a11+a21; N=r1+r2
    def P(x): return Fraction(math.comb(r1,x)*math.comb(r2,c1-x), math.comb(N,c1))
    lo=max(0,c1-r2); hi=min(r1,c1); po=P(a11)
    return float(sum(P(x) for x in range(lo,hi+1) if P(x)<=po*Fraction(10**7+1,10**7)))
def wilson(x,n,z=None):
    z=z or norm_q(0.975); p=x/n
    c=(p+z*z/(2*n))/(1+z*z/n); h=z*math.sqrt(p*(1-p)/n+z*z/(4*n*n))/(1+z*z/n)
    return c-h,c+h
def newcombe(x1,n1,x2,n2):
    # CI of p1-p2, Newcombe 1998 method 10
    l1,u1=wilson(x1,n1); l2,u2=wilson(x2,n2); p1=x1/n1; p2=x2/n2; d=p1-p2
    return d-math.sqrt((p1-l1)**2+(u2-p2)**2), d+math.sqrt((u1-p1)**2+(p2-l2)**2)
def ztest(x1,n1,x2,n2):
    p1=x1/n1;p2=x2/n2;p=(x1+x2)/(n1+n2); se=math.sqrt(p*(1-p)*(1/n1+1/n2)); z=(p2-p1)/se
    return z, 2*norm_cdf(-abs(z))
