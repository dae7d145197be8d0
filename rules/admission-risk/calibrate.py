"""Calibration check for rules/admission-risk/model.csv (documentation, not part of the pipeline).

Simulates an adult population with an English age structure and plausible, correlated feature
distributions (a latent frailty per person drives eFI, conditions, medicines, admissions, A&E and
social care), then prints mean predicted risk overall and by age band and the share in each band.
The intercept and age terms in model.csv were fitted with this to: 7.5% at 18-64, 13.5% at 65-74,
20% at 75-84, 31% at 85+, 10.5% overall. Usage: python3 rules/admission-risk/calibrate.py
(needs numpy). The feature distributions are judgements; re-run after changing a coefficient.
"""
import csv, os, numpy as np
here=os.path.dirname(os.path.abspath(__file__))
def table(name):
    with open(os.path.join(here,name)) as f:
        return list(csv.reader(l for l in f if not l.startswith('#')))[1:]
rng=np.random.default_rng(7)
M={r[0]:r for r in table('model.csv')}
def tr(name,x):
    t=M[name][1]
    if t=='identity': return x
    if t=='log1p': return np.log1p(np.maximum(x,0))
    if t=='indicator': return (x>0).astype(float)
    if t.startswith('cap:'): return np.minimum(x,float(t[4:]))
bands=[('18-64',0.72,(18,64)),('65-74',0.14,(65,74)),('75-84',0.10,(75,84)),('85+',0.04,(85,100))]
N=200000
out=[]
for name,share,(lo,hi) in bands:
    n=int(N*share)
    i=['18-64','65-74','75-84','85+'].index(name)
    # latent frailty (lognormal), older -> higher
    z=rng.normal(0,1,n)
    base=[0.0,0.8,1.3,1.8][i]
    lat=np.exp(0.9*z)  # person heterogeneity
    efi=np.clip(rng.gamma(1.5,1,n)*[0.02,0.06,0.10,0.15][i]*lat,0,0.8)
    ltc=rng.poisson(np.clip([0.8,2.2,3.0,3.4][i]*lat**0.6,0,20))
    poly=rng.poisson(np.clip([1.2,4.5,6.5,8.0][i]*lat**0.7,0,40))
    adm_rate=[0.045,0.08,0.13,0.22][i]*lat**1.2
    adm=rng.poisson(adm_rate)
    bed=np.where(adm>0, rng.poisson(adm*[3,6,8,10][i]),0)
    ae=rng.poisson([0.25,0.22,0.3,0.45][i]*lat**0.8)
    hfrs=np.where(adm>0, rng.gamma(1.2,[1.5,3,4,6][i],n),0)
    dna=rng.poisson([0.12,0.06,0.06,0.05][i],n)
    nr=rng.random(n)<[0.0005,0.004,0.025,0.12][i]*np.minimum(lat,3)
    com=(~nr)&(rng.random(n)<[0.004,0.02,0.06,0.18][i]*np.minimum(lat,3))
    st=rng.random(n)<[0.001,0.004,0.012,0.03][i]*np.minimum(lat,3)
    alone=rng.random(n)<[0.13,0.25,0.38,0.55][i]
    cat1=rng.random(n)<0.1
    homeless=rng.random(n)<[0.004,0.001,0.0005,0][i]
    imdq1=rng.random(n)<0.2
    male=rng.random(n)<[0.5,0.48,0.45,0.36][i]
    feats={'age_65_74':np.full(n,float(i==1)),'age_75_84':np.full(n,float(i==2)),'age_85_plus':np.full(n,float(i==3)),
           'sex_male':male*1.,'imd_q1':imdq1*1.,'efi':efi,'hfrs':hfrs,'ltc_count':ltc*1.,'polypharmacy_count':poly*1.,
           'emergency_admissions_12m':adm*1.,'bed_days_12m':bed*1.,'ae_attendances_12m':ae*1.,'op_dna_12m':dna*1.,
           'social_care_nursing_residential':nr*1.,'social_care_community':com*1.,'social_care_short_term':st*1.,
           'lives_alone':alone*1.,'category1_hazard':cat1*1.,'homeless_or_temporary':homeless*1.}
    zlin=np.full(n,float(M['intercept'][2]))
    for f,v in feats.items():
        if f in M: zlin+=float(M[f][2])*tr(f,v)
    p=1/(1+np.exp(-zlin))
    # "true" outcome risk for sanity: grows with latent frailty
    out.append((name,p,adm))
allp=np.concatenate([o[1] for o in out])
print('overall mean p %.3f'%allp.mean())
for name,p,adm in out: print(name,'mean p %.3f'%p.mean(),'prior adm>=1 %.3f'%(adm>0).mean())
b=table('bands.csv')
th=[float(x[1]) for x in b]+[1.01]
for k in range(len(b)):
    print(b[k][0], '%.3f'%((allp>=th[k])&(allp<th[k+1])).mean())
