#!/usr/bin/python3
"""Prints the model card's per-model table (markdown) from models/*.json."""
import os, json
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))


def main():
    print('| model | kind | what | data (source, licence) | params | GFLOP / 256^2 | ORT ms (2 threads) | training | metrics |')
    print('|---|---|---|---|---|---|---|---|---|')
    names = sorted(f[:-5] for f in os.listdir(os.path.join(ROOT, 'models')) if f.endswith('.json'))
    for n in sorted(names, key=lambda n: (json.load(open(os.path.join(ROOT, 'models', n + '.json')))['kind'] != 'synthesis', n)):
        m = json.load(open(os.path.join(ROOT, 'models', n + '.json')))
        p, me = m['provenance'], m['metrics']
        if m['kind'] == 'synthesis':
            ms = f"{me['ort_ms_512x512_2threads']} per 512^2"
            extra = f"seam ratio {me['seam_ratio_512']}; parity {me['parity_max_abs_diff']:.0e}"
            data = f"{p['data'].split(': ', 1)[-1].replace('/usr/share/games/supertuxkart/data/textures/', 'supertuxkart-data textures/')}, {p['licence']}"
        else:
            ms = f"{me['ort_ms_256x256_2threads']} per 256^2"
            extra = f"parity {me['parity_max_abs_diff']:.0e}; see the repair table"
            data = f"{p['data'].split(' (')[0]}, {p['licence'].split(' (')[0]}"
        train = f"{p['training_seconds'] / 60:.1f} min, {p['steps']} steps"
        print(f"| {n} | {m['kind']} | {m['description']} | {data} | {me['params']:,} | {me['gflop_per_256x256']} | {ms} | {train} | {extra} |")


if __name__ == '__main__':
    main()
