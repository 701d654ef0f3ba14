#!/usr/bin/python3
"""Train-your-own for the shared synthesis eval: synth_eval.py --project
  '/usr/bin/python3 training/eval_synth.py {exemplar} {out} {size} {seed}'
Trains one model per exemplar with train_synth.py (budget --minutes, default from $TEXPLUG_EVAL_MINUTES
or 4.5; cached by the exemplar's hash in $TEXPLUG_EVAL_CACHE, default /work/ckpt/eval-synth; more train_synth.py
arguments in $TEXPLUG_EVAL_TRAIN_ARGS, e.g. '--crop 192'), then
generates SIZE x SIZE with the seed through ONNX Runtime (training/ortrun)."""
import os, sys, hashlib, subprocess
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    ex, out, size, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    minutes = float(os.environ.get('TEXPLUG_EVAL_MINUTES', '4.5'))
    cache = os.environ.get('TEXPLUG_EVAL_CACHE', '/work/ckpt/eval-synth')
    name = 'm' + hashlib.sha256(open(ex, 'rb').read()).hexdigest()[:16]
    model = os.path.join(cache, name + '.onnx')
    if not os.path.exists(model):
        os.makedirs(cache, exist_ok=True)
        log = open(os.path.join(cache, name + '.log'), 'w')
        r = subprocess.run([sys.executable, os.path.join(HERE, 'train_synth.py'), '--exemplar', ex, '--minutes', str(minutes),
                            '--name', name, '--out', cache, '--threads', os.environ.get('TEXPLUG_EVAL_THREADS', '1')]
                           + os.environ.get('TEXPLUG_EVAL_TRAIN_ARGS', '').split(),
                           stdout=log, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            raise SystemExit(f'training on {ex} failed, see {cache}/{name}.log')
    from generate import generate
    from texlib.images import write_png
    write_png(out, generate(model, size, seed))


if __name__ == '__main__':
    main()
