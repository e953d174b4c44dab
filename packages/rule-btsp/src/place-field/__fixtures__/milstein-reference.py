# The reference numbers of induction.test.ts: an independent numpy re-implementation of the
# place-field induction, written to the steps of the authors' pipeline (neurosutras/BTSP:
# np.convolve with filters spanning 6 x the longer time constant, np.trapz per lap window).
# Run: python3 milstein-reference.py (numpy >= 2: np.trapezoid).
import numpy as np
L, v, N, dt = 187., 25., 200, 10.  # cm, cm/s, inputs, ms
kp, km = 1.109682, 0.4249387
thp, hwp, thm, hwm = 0.4150117, 0.4541096, 0.02618154, 0.09977173
tau_et, tau_is, Wmax, rsf = 1664.103, 437.0065, 4.680311, 3.7734e-3
sigma = 90/3/np.sqrt(2)
d = L/N; peaks = np.arange(d/2, L, d)
def filt(tau, mx):
    t = np.arange(0., 6*mx, dt); f = np.exp(-t/tau); idx = np.where(f < 0.001*f.max())[0]
    f = f[:idx[0]] if len(idx) else f; return f/f.sum()
def ssig(th, hw):
    slope = 2/hw; y = lambda x: 1/(1+np.exp(-slope*(x-th))); a, b = y(0.), y(1.)
    return lambda x: (y(x)-a)/(b-a)
qp, qm = ssig(thp, hwp), ssig(thm, hwm)
def rate(c, x):
    dd = (x - c + L/2) % L - L/2; return 40*np.exp(-(dd/sigma)**2)
def induce(w0, loc, laps=3):
    lap_n = int(round(L/(v*dt/1000)))
    n = lap_n*(laps+2); t = np.arange(n)*dt; x = (t/1000*v) % L
    gate = np.zeros(n); onsets = []
    for k in range(1, laps+1):
        o = int(np.ceil((k*L+loc)/(v*dt/1000) - 1e-9)); onsets.append(o); gate[o:o+30] = 1
    fe, fi = filt(tau_et, tau_et), filt(tau_is, tau_et)
    IS = np.convolve(gate, fi)[:n]; IS /= IS.max()
    ET = np.array([np.convolve(rate(c, x)/40, fe)[:n] for c in peaks]); ET /= ET.max()
    w = w0.copy(); out = []
    for k, o in enumerate(onsets):
        stop = onsets[k+1] if k+1 < len(onsets) else n
        ov = ET[:, o:stop]*IS[o:stop]
        P = np.trapezoid(qp(ov), dx=dt/1000, axis=1); D = np.trapezoid(qm(ov), dx=dt/1000, axis=1)
        w = np.clip(w + kp*P*(1-w) - km*D*w, 0, 1); out.append(w.copy())
    return out
xs = np.arange(0.5, L, 1.0)
maps = np.array([rate(c, xs) for c in peaks])
ramp = lambda w: rsf*((w*Wmax - 1) @ maps)
ws = induce(np.full(N, 1/Wmax), 120.)
for w in ws:
    r = ramp(w); k = np.argmax(r); print('lap peak %.6f at %.1f' % (r[k], xs[k]))
w2 = induce(ws[-1], 45.)[-1]
dr = ramp(w2) - ramp(ws[-1]); print('second: max %.4f at %.1f, min %.4f at %.1f' % (dr.max(), xs[dr.argmax()], dr.min(), xs[dr.argmin()]))
for w in induce(ws[-1], 45.):
    print('d@25.5 %.6f' % (ramp(w)[25] - ramp(ws[-1])[25]))
