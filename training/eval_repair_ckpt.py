#!/usr/bin/python3
"""Compares repair checkpoints on an eval set (e.g. the tuning set of build_tune_set.py): PSNR inside the damage and
the shared eval's perceptual distance per mask kind, PyTorch inference, the same guide and compositing as the engine.

usage: eval_repair_ckpt.py SETDIR CKPT [CKPT ...]
(a CKPT ending in .onnx is an exported model, run through ONNX Runtime, one thread: e.g. a quantised export)"""
import sys, os, cv2, numpy as np, torch
HERE = os.path.dirname(os.path.abspath(__file__)); sys.path.insert(0, os.environ.get('TEXPLUG_SHARED_EVAL', os.path.join(HERE, '..', '..', 'shared', 'eval'))); sys.path.insert(0, HERE)
import texmetrics as tm
from texlib import nets, onnxio
from texlib.guide import coarse_copy_guide
from texlib.images import to_tensor
torch.set_num_threads(1)
D=sys.argv[1]
names=sorted(f[:-4] for f in os.listdir(D+'/images'))
cache={}
for ck in sys.argv[2:]:
    if ck.endswith('.onnx'):
        G=lambda x,mk,g,ck=ck: torch.from_numpy(onnxio.ort_run(ck,{'image':x.numpy(),'mask':mk.numpy(),'guide':g.numpy()},threads=1)['repaired'])
    else:
        G=nets.RepairNet(); G.load_state_dict(torch.load(ck)['G']); G.eval()
    res={}
    for n in names:
        gt=cv2.imread(f'{D}/images/{n}.png')
        for kind in ('scratch','holes','block'):
            m=cv2.imread(f'{D}/masks/{n}_{kind}.png',cv2.IMREAD_GRAYSCALE)>0
            rgb=gt[:,:,::-1].copy()
            if (n,kind) not in cache: cache[(n,kind)]=coarse_copy_guide(rgb*(~m[:,:,None]),m.astype(np.uint8))
            g=cache[(n,kind)]
            mk=torch.from_numpy(m.astype(np.float32))[None,None]
            with torch.no_grad(): out=G(to_tensor(rgb)*(1-mk),mk,to_tensor(g))[0]
            o=np.floor((out.clamp(-1,1).numpy()+1)*127.5+0.5).astype(np.uint8).transpose(1,2,0)
            res_rgb=rgb.copy(); res_rgb[m]=o[m]
            r=res.setdefault(kind,([],[]))
            r[0].append(tm.psnr_masked(res_rgb,rgb,m.astype(np.uint8))); r[1].append(tm.perceptual(res_rgb,rgb))
    # mean PSNR / mean perceptual, and the median PSNR (one image repaired near-perfectly swings the holes mean)
    print(os.path.basename(ck), ' '.join('%s %.2f/%.5f (median %.2f)'%(k,np.mean(a),np.mean(b),np.median(a)) for k,(a,b) in res.items()), flush=True)
