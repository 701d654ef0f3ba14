"""ONNX export, metadata, and running exported models through training/ortrun (C# ONNX Runtime;
Python here has no onnxruntime)."""
import os, re, subprocess, tempfile, json, shutil
import numpy as np
import torch, onnx

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ORTRUN_PROJ = os.path.join(ROOT, 'training', 'ortrun', 'OrtRun.csproj')
ORTRUN_ART = os.environ.get('TEXPLUG_ORTRUN_ARTIFACTS', '/tmp/art-ortrun')


class ExportError(Exception):
    pass


def ortrun_dll():
    dll = os.path.join(ORTRUN_ART, 'bin', 'OrtRun', 'release', 'ortrun.dll')
    if not os.path.exists(dll):
        r = subprocess.run(['dotnet', 'build', ORTRUN_PROJ, '-c', 'Release', '--artifacts-path', ORTRUN_ART, '-v', 'q'],
                           capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(dll):
            raise ExportError(f'building {ORTRUN_PROJ} failed:\n{r.stdout[-2000:]}{r.stderr[-2000:]}')
    return dll


def ort_run(model_path, inputs, threads=2):
    """inputs: dict name -> float32 numpy array. Returns dict name -> numpy array."""
    with tempfile.TemporaryDirectory() as d:
        args = ['dotnet', ortrun_dll(), 'run', model_path, '--threads', str(threads)]
        for name, a in inputs.items():
            p = os.path.join(d, name + '.bin')
            np.ascontiguousarray(a, dtype='<f4').tofile(p)
            args += ['--in', f'{name}={p}:' + 'x'.join(map(str, a.shape))]
        m = onnx.load(model_path)
        outs = [o.name for o in m.graph.output]
        for o in outs:
            args += ['--out', f'{o}={os.path.join(d, o + ".out")}']
        r = subprocess.run(args, capture_output=True, text=True)
        if r.returncode != 0:
            raise ExportError(f'{model_path}: ortrun failed: {r.stderr.strip()}')
        res = {}
        for line in r.stdout.splitlines():
            if line.startswith('output '):
                _, name, shape = line.split()
                res[name] = np.fromfile(os.path.join(d, name + '.out'), dtype='<f4').reshape([int(s) for s in shape.split('x')])
        return res


def synth_parity(net, path, channels, gen):
    """Largest |ONNX Runtime - PyTorch| of an exported synthesis model on standard normal noise of two shapes (8x8 and
    6x10 cells) drawn from the torch generator gen. Raises ExportError when the output shapes differ."""
    worst = 0.0
    for shp in ((8, 8), (6, 10)):
        x = torch.randn(1, channels, *shp, generator=gen)
        with torch.no_grad():
            ref = net(x).numpy()
        got = ort_run(path, {'noise': x.numpy()})['image']
        if got.shape != ref.shape:
            raise ExportError(f'{path}: ONNX output {got.shape}, PyTorch {ref.shape}')
        worst = max(worst, float(np.abs(got - ref).max()))
    return worst


def ort_time(model_path, shapes, runs=30, warmup=5, threads=2):
    """shapes: dict name -> shape tuple. Returns the median milliseconds."""
    args = ['dotnet', ortrun_dll(), 'time', model_path, '--threads', str(threads), '--runs', str(runs), '--warmup', str(warmup)]
    for name, s in shapes.items():
        args += ['--shape', f'{name}=' + 'x'.join(map(str, s))]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        raise ExportError(f'{model_path}: ortrun time failed: {r.stderr.strip()}')
    parts = r.stdout.split()
    return float(parts[parts.index('median_ms') + 1])


def _zero_padded_copy(model):
    """A copy of model whose circular convolutions pad with the Conv's own (zero) pads instead of Slice + Concat,
    so the exported Conv nodes carry the pad widths for wrap_pads to turn into wrap-around Pad nodes."""
    import copy
    from .nets import CircConv
    m = copy.deepcopy(model)
    for mod in m.modules():
        if isinstance(mod, CircConv):
            mod.padding, mod.pad = (mod.pad, mod.pad), 0
    return m


def wrap_pads(m):
    """Gives every padded Conv of ONNX model m a Pad node (mode 'wrap', opset 19) in front and no pads of its own:
    circular padding as one copy of the tensor instead of four Slices and two Concats. The same function
    (ONNX Runtime outputs equal to the Slice + Concat export bit for bit, measured); repair 256x256 9.6 -> 7.3 ms on
    two threads, 9.2 -> 8.6 ms on one (synthesis: no gain, 16.9 vs 16.6 ms, so it keeps Slice + Concat)."""
    from onnx import helper, numpy_helper
    import numpy as np
    nodes = []
    for n in m.graph.node:
        pads = [a for a in n.attribute if a.name == 'pads'] if n.op_type == 'Conv' else []
        if pads and any(pads[0].ints):
            p = list(pads[0].ints)           # [top, left, bottom, right]
            pads[0].ints[:] = [0] * len(p)
            name = (n.name or n.output[0]) + '_wrap'
            m.graph.initializer.append(numpy_helper.from_array(np.array([0, 0, p[0], p[1], 0, 0, p[2], p[3]], np.int64), name + '_pads'))
            nodes.append(helper.make_node('Pad', [n.input[0], name + '_pads'], [name + '_out'], name=name, mode='wrap'))
            n.input[0] = name + '_out'
        nodes.append(n)
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    for o in m.opset_import:
        if o.domain in ('', 'ai.onnx'):
            o.version = 19
    return m


def shuffles_as_convtranspose(m):
    """Replaces every DepthToSpace (mode CRD, the pixel shuffle torch exports) of ONNX model m by a ConvTranspose with
    kernel = stride = block size, one group per output channel and one-hot weights: output pixel (b*y + i, b*x + j) of
    channel c is input channel c*b*b + i*b + j at (y, x) times 1, plus the group's other channels times 0, so the same
    values bit for bit (ONNX Runtime, checked by shuffle_ct.py and every export's parity check). Why: ONNX Runtime's
    DepthToSpace is a 6-D transpose; it was 27 % of a fused SynthNet's single-threaded time (session 7's profile,
    AVX2 machine), and the ConvTranspose took 512^2 synthesis from 25.3 to 21.7 ms on one thread (repair 256^2: no
    change beyond that machine's noise). Channel counts come from ONNX shape inference. Returns the number of nodes replaced."""
    from onnx import helper, numpy_helper, shape_inference
    import numpy as np
    channels = {}
    inferred = shape_inference.infer_shapes(m)
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        dims = vi.type.tensor_type.shape.dim
        if len(dims) == 4 and dims[1].HasField('dim_value'):
            channels[vi.name] = dims[1].dim_value
    nodes, count = [], 0
    for n in m.graph.node:
        attrs = {a.name: a for a in n.attribute}
        if n.op_type != 'DepthToSpace' or attrs.get('mode') is None or attrs['mode'].s != b'CRD':
            nodes.append(n)
            continue
        if n.input[0] not in channels:
            raise ExportError(f'{n.name}: the channels of its input are unknown to shape inference')
        b, cin = attrs['blocksize'].i, channels[n.input[0]]
        c = cin // (b * b)
        w = np.zeros((cin, 1, b, b), np.float32)
        for ch in range(c):
            for i in range(b):
                for j in range(b):
                    w[ch * b * b + i * b + j, 0, i, j] = 1.0
        name = (n.name or n.output[0]) + '_as_convtranspose'
        m.graph.initializer.append(numpy_helper.from_array(w, name + '_onehot'))
        nodes.append(helper.make_node('ConvTranspose', [n.input[0], name + '_onehot'], [n.output[0]], name=name,
                                      group=c, kernel_shape=[b, b], strides=[b, b]))
        count += 1
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    return count


def _phase_of(k):
    """Output channel k of a fused up-convolution (nets.fuse_up_conv) feeds pixel-shuffle offset (a, b) = its phase."""
    return (k % 4) // 2, k % 2


def phase_weights(w3):
    """A fused up-convolution's 3x3 weights (4*cout, cin, 3, 3) -> the 2x2 weights of upconvs_as_phase_convs, or None
    when some tap outside a phase's 2x2 window is not exactly zero (not a fused up-convolution)."""
    import numpy as np
    w2 = np.zeros(w3.shape[:2] + (2, 2), np.float32)
    for k in range(w3.shape[0]):
        a, b = _phase_of(k)
        keep = np.zeros((3, 3), bool)
        keep[a:a + 2, b:b + 2] = True
        if np.any(w3[k][:, ~keep] != 0):
            return None
        w2[k] = w3[k][:, a:a + 2, b:b + 2]
    return w2


def fused_weights(w2):
    """The inverse of phase_weights: 2x2 phase weights -> the fused up-convolution's 3x3 weights (zeros elsewhere)."""
    import numpy as np
    w3 = np.zeros(w2.shape[:2] + (3, 3), np.float32)
    for k in range(w2.shape[0]):
        a, b = _phase_of(k)
        w3[k][:, a:a + 2, b:b + 2] = w2[k]
    return w3


def shifted_onehot(c):
    """The one-hot ConvTranspose weights (4 * c, 1, 2, 2) of a phase convolution (group c, stride 2, pads 1): input
    channel k of offset (a, b) = _phase_of(k) lands at output pixel (2y + a, 2x + b) from position (y + a, x + b)."""
    import numpy as np
    w = np.zeros((4 * c, 1, 2, 2), np.float32)
    for k in range(4 * c):
        a, b = _phase_of(k)
        w[k, 0, 1 - a, 1 - b] = 1.0
    return w


def upconvs_as_phase_convs(m):
    """Rewrites every fused up-convolution of ONNX model m (a 3x3 Conv without pads of its own, on an input padded by 1,
    whose 4*C outputs go only to the one-hot pixel-shuffle ConvTranspose of shuffles_as_convtranspose) as a 2x2 Conv
    and a one-hot ConvTranspose that also shifts. Why: a 3x3 convolution after nearest x2 upsampling reads only a 2x2
    window of the low-resolution input for each of the four output offsets (a, b) - rows y - 1 + a and y + a, columns
    likewise - so 5 of the fused kernel's 9 taps are exactly zero for every output channel (nets.fuse_up_conv). The 2x2
    Conv over the same padded input gives (h + 1) x (w + 1) positions; offset (a, b)'s value for low-resolution cell
    (y, x) is at position (y + a, x + b), which the ConvTranspose (stride 2, kernel 2, pads 1, tap (1 - a, 1 - b))
    puts at output pixel (2y + a, 2x + b). The same function with 4/9 of the multiply-adds of those convolutions
    (ONNX Runtime outputs equal to the 3x3 form's, checked by rewrite_graphs.py and every export's parity check);
    session 8: bark 512^2 23.5 -> 16.4 ms on one thread, 14.3 -> 10.0 ms on two. Returns the number of Convs rewritten."""
    from onnx import helper, numpy_helper
    import numpy as np
    init = {t.name: t for t in m.graph.initializer}
    consumers = {}
    for n in m.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    count = 0
    for n in m.graph.node:
        if n.op_type != 'Conv' or len(n.input) < 2 or n.input[1] not in init:
            continue
        attrs = {a.name: a for a in n.attribute}
        w3 = numpy_helper.to_array(init[n.input[1]])
        if (w3.ndim != 4 or w3.shape[2:] != (3, 3) or w3.shape[0] % 4 or any(attrs['pads'].ints if 'pads' in attrs else [])
                or any(v != 1 for k in ('strides', 'dilations') if k in attrs for v in attrs[k].ints)
                or ('group' in attrs and attrs['group'].i != 1)):
            continue
        cons = consumers.get(n.output[0], [])
        if len(cons) != 1 or cons[0].op_type != 'ConvTranspose' or cons[0].input[1] not in init:
            continue
        ct = cons[0]
        cattrs = {a.name: a for a in ct.attribute}
        cw = numpy_helper.to_array(init[ct.input[1]])
        c = w3.shape[0] // 4
        onehot = np.zeros((4 * c, 1, 2, 2), np.float32)
        for k in range(4 * c):
            onehot[k, 0][_phase_of(k)] = 1.0
        if (cw.shape != onehot.shape or not np.array_equal(cw, onehot) or cattrs['group'].i != c
                or list(cattrs['strides'].ints) != [2, 2] or any(cattrs['pads'].ints if 'pads' in cattrs else [])):
            continue
        w2 = phase_weights(w3)
        if w2 is None:
            continue
        shifted = shifted_onehot(c)
        init[n.input[1]].CopyFrom(numpy_helper.from_array(w2, n.input[1]))
        if 'kernel_shape' in attrs:
            attrs['kernel_shape'].ints[:] = [2, 2]
        init[ct.input[1]].CopyFrom(numpy_helper.from_array(shifted, ct.input[1]))
        if 'pads' in cattrs:
            cattrs['pads'].ints[:] = [1, 1, 1, 1]
        else:
            ct.attribute.append(helper.make_attribute('pads', [1, 1, 1, 1]))
        count += 1
    if count:
        del m.graph.value_info[:]      # the inferred shapes of the rewritten Convs' outputs changed
    return count


ELEMENTWISE_ACTIVATIONS = ('LeakyRelu', 'Relu', 'Tanh', 'Sigmoid')


def activations_before_shuffles(m):
    """Moves every elementwise activation (LeakyRelu, Relu, Tanh, Sigmoid) that follows a one-hot pixel-shuffle
    ConvTranspose (shuffles_as_convtranspose, upconvs_as_phase_convs) to the ConvTranspose's input when that input is a
    Conv's only use, and drops a Clip to [-1, 1] (or wider) that follows a Tanh so moved. Why: ONNX Runtime fuses an
    activation into the Conv before it (no pass of its own), but not into the ConvTranspose; the shuffle only moves
    values (each output is one input times 1 plus zeros), so f(shuffle(x)) = shuffle(f(x)), bit for bit. The Clip was
    there because ONNX Runtime's tanh can exceed 1 by an ulp; every host maps floats to bytes with a clamp (the C#
    engine's TensorConvert, generate.py), so the bytes do not change. Session 9: synthesis 512^2 on one thread lost
    its Tanh, Clip and two LeakyRelu passes (~1.2 ms of 22 in the profile). Returns the number of nodes moved or dropped."""
    from onnx import numpy_helper
    import numpy as np
    init = {t.name: t for t in m.graph.initializer}
    consumers, producer = {}, {}
    for n in m.graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
        for o in n.output:
            producer[o] = n
    outputs = {o.name for o in m.graph.output}

    def onehot_shuffle(n):
        if n.op_type != 'ConvTranspose' or len(n.input) != 2 or n.input[1] not in init:
            return False
        w = numpy_helper.to_array(init[n.input[1]])
        return w.ndim == 4 and w.shape[1] == 1 and np.all((w == 0) | (w == 1)) and np.all(w.reshape(w.shape[0], -1).sum(1) == 1)

    count, drop = 0, set()
    for ct in list(m.graph.node):
        if not onehot_shuffle(ct) or ct.output[0] in outputs:
            continue
        cons = consumers.get(ct.output[0], [])
        conv = producer.get(ct.input[0])
        if (len(cons) != 1 or cons[0].op_type not in ELEMENTWISE_ACTIVATIONS or conv is None or conv.op_type != 'Conv'
                or len(consumers.get(ct.input[0], [])) != 1 or ct.input[0] in outputs):
            continue
        act = cons[0]
        # conv -> x -> ct -> y -> act -> z   becomes   conv -> x -> act -> y -> ct -> z
        x, y, z = ct.input[0], ct.output[0], act.output[0]
        act.input[0], act.output[0] = x, y
        ct.input[0], ct.output[0] = y, z
        count += 1
        if act.op_type == 'Tanh':
            after = consumers.get(z, [])
            if len(after) == 1 and after[0].op_type == 'Clip' and len(after[0].input) == 3:
                clip = after[0]
                lo, hi = (_constant_value(m, i) for i in clip.input[1:])
                if lo is not None and hi is not None and lo <= -1 and hi >= 1:
                    ct.output[0] = clip.output[0]
                    drop.add(id(clip))
                    count += 1
    if drop:
        keep = [n for n in m.graph.node if id(n) not in drop]
        del m.graph.node[:]
        m.graph.node.extend(keep)
    # ONNX wants nodes in topological order: the activation now comes before the ConvTranspose
    if count:
        _topological_sort(m)
        del m.graph.value_info[:]
    return count


def _constant_value(m, name):
    """The scalar value of an initializer or Constant node output, or None."""
    from onnx import numpy_helper
    for t in m.graph.initializer:
        if t.name == name:
            return float(numpy_helper.to_array(t))
    for n in m.graph.node:
        if n.op_type == 'Constant' and n.output[0] == name:
            for a in n.attribute:
                if a.name == 'value':
                    return float(numpy_helper.to_array(a.t))
    return None


def _topological_sort(m):
    known = {i.name for i in m.graph.input} | {t.name for t in m.graph.initializer} | {''}
    pending, ordered = list(m.graph.node), []
    while pending:
        rest = []
        for n in pending:
            if all(i in known for i in n.input):
                ordered.append(n)
                known.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise ExportError('the graph has a cycle or an unknown input')
        pending = rest
    del m.graph.node[:]
    m.graph.node.extend(ordered)


def graph_gflops(m, shapes):
    """Multiply-adds x 2 of the Conv and ConvTranspose nodes of ONNX model m (as exported, after the rewrites above)
    for the input shapes given (dict name -> shape tuple), in GFLOP; shapes from ONNX shape inference."""
    from onnx import shape_inference, numpy_helper
    import copy
    m = copy.deepcopy(m)
    for i in m.graph.input:
        if i.name in shapes:
            for d, v in zip(i.type.tensor_type.shape.dim, shapes[i.name]):
                d.ClearField('dim_param'); d.dim_value = int(v)
    del m.graph.value_info[:]
    inferred = shape_inference.infer_shapes(m)
    dims = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + list(inferred.graph.output):
        d = vi.type.tensor_type.shape.dim
        if all(x.HasField('dim_value') for x in d):
            dims[vi.name] = [x.dim_value for x in d]
    weights = {t.name: t.dims for t in m.graph.initializer}
    total = 0
    for n in m.graph.node:
        if n.op_type not in ('Conv', 'ConvTranspose'):
            continue
        w = weights[n.input[1]]
        side = n.output[0] if n.op_type == 'Conv' else n.input[0]
        if side not in dims:
            raise ExportError(f'{n.name}: shape inference left the shape of {side} unknown')
        per = w[1] * w[2] * w[3]   # Conv: per output value; ConvTranspose: per input value
        total += 2 * int(np.prod(dims[side])) * per
    return total / 1e9


def export(model, args, input_names, output_name, path, metadata, wrap=False):
    """torch.onnx.export with dynamic height and width, then metadata_props; atomic.
    wrap=True: circular padding exported as Pad(mode='wrap') nodes (opset 19, see wrap_pads); the onnx package here
    (1.12) knows opset 17 at most, so the model is checked before the rewrite and ONNX Runtime checks it after."""
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix='.onnx', dir=d); os.close(fd)
    try:
        dyn = {n: {2: 'h_' + n, 3: 'w_' + n} for n in input_names}
        dyn[output_name] = {2: 'height', 3: 'width'}
        model.eval()
        if wrap:
            model = _zero_padded_copy(model)
        with torch.no_grad():
            torch.onnx.export(model, args, tmp, input_names=input_names, output_names=[output_name],
                              dynamic_axes=dyn, opset_version=13, do_constant_folding=True)
        m = onnx.load(tmp)
        del m.metadata_props[:]
        for k, v in metadata.items():
            p = m.metadata_props.add(); p.key = k; p.value = str(v)
        shuffles_as_convtranspose(m)
        upconvs_as_phase_convs(m)
        activations_before_shuffles(m)
        onnx.checker.check_model(m)
        if wrap:
            wrap_pads(m)
        onnx.save(m, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_json(path, obj):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix='.json', dir=d)
    text = json.dumps(obj, indent=2)
    # lists of plain numbers on one line each (a colour table is 256 values, not 256 lines)
    # (only lists json.dumps broke over lines: a real newline never occurs inside a JSON string)
    text = re.sub(r'\[\n\s*(-?[0-9.eE+-]+(?:,\n\s*-?[0-9.eE+-]+)*)\n\s*\]', lambda m: '[' + ', '.join(v.strip() for v in m.group(1).split(',')) + ']', text)
    with os.fdopen(fd, 'w') as f:
        f.write(text + '\n')
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
