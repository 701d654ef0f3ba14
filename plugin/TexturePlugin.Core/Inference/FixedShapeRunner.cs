using System.Numerics;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace TexturePlugin.Core.Inference;

/// <summary>
/// Runs a <see cref="ModelSession"/> with fixed input shapes. Input and output tensors are allocated once, pinned and
/// wrapped in OrtValues that every <see cref="Run"/> reuses: fill <see cref="Input(string)"/>, call Run, read
/// <see cref="Output(string)"/>. One Run at a time per runner (and per session on DirectML).
/// </summary>
public sealed class FixedShapeRunner : IDisposable
{
    private readonly ModelSession _owner;
    private readonly object _gate = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly float[][] _inputData;
    private readonly float[][] _outputData;
    private readonly long[][] _inputShapes;
    private readonly long[][] _outputShapes;
    private readonly OrtValue[] _inputValues;
    private readonly OrtValue[] _outputValues;
    private readonly RunOptions _runOptions;
    private int _disposed;

    internal FixedShapeRunner(ModelSession owner, IReadOnlyDictionary<string, int[]> inputShapes, bool warmUp,
        IReadOnlyDictionary<string, int[]>? outputShapes = null)
    {
        if (inputShapes is null) throw new ArgumentNullException(nameof(inputShapes));
        _owner = owner;
        InferenceSession session = owner.Session;
        string path = owner.FilePath;

        var problems = new List<string>();
        foreach (string given in inputShapes.Keys)
            if (!owner.Inputs.Any(i => i.Name == given))
                problems.Add($"there is no input '{given}' (inputs: {string.Join(", ", owner.Inputs.Select(i => i.Name))})");
        foreach (TensorInfo input in owner.Inputs)
        {
            if (input.ElementType != typeof(float))
                problems.Add($"input '{input.Name}' is {input.ElementType.Name}, only float inputs are supported");
            if (!inputShapes.TryGetValue(input.Name, out int[]? shape))
            {
                problems.Add($"no shape given for input '{input.Name}' {Format(input.Dimensions)}");
                continue;
            }
            CheckShape(problems, "input", input, shape);
        }
        foreach (TensorInfo output in owner.Outputs)
            if (output.ElementType != typeof(float))
                problems.Add($"output '{output.Name}' is {output.ElementType.Name}, only float outputs are supported");
        if (outputShapes is not null)
            foreach (var (given, shape) in outputShapes)
            {
                TensorInfo? output = owner.Outputs.FirstOrDefault(o => o.Name == given);
                if (output is null)
                    problems.Add($"there is no output '{given}' (outputs: {string.Join(", ", owner.Outputs.Select(o => o.Name))})");
                else
                    CheckShape(problems, "output", output, shape);
            }
        if (problems.Count > 0)
            throw new ModelException(path, "cannot make a runner: " + string.Join("; ", problems));

        _inputNames = owner.Inputs.Select(i => i.Name).ToArray();
        _outputNames = owner.Outputs.Select(o => o.Name).ToArray();
        _inputShapes = _inputNames.Select(n => inputShapes[n].Select(d => (long)d).ToArray()).ToArray();
        _inputData = _inputShapes.Select(s => new float[checked((int)s.Aggregate(1L, (a, b) => a * b))]).ToArray();
        _runOptions = new RunOptions();
        _inputValues = new OrtValue[_inputNames.Length];
        _outputValues = new OrtValue[_outputNames.Length];
        try
        {
            for (int i = 0; i < _inputNames.Length; i++)
                _inputValues[i] = OrtValue.CreateTensorValueFromMemory(_inputData[i], _inputShapes[i]);

            bool ran = false;
            _outputShapes = new long[_outputNames.Length][];
            for (int o = 0; o < _outputNames.Length; o++)
            {
                IReadOnlyList<int> dims = owner.Outputs[o].Dimensions;
                if (outputShapes is not null && outputShapes.TryGetValue(_outputNames[o], out int[]? known))
                    _outputShapes[o] = known.Select(d => (long)d).ToArray();
                else
                    _outputShapes[o] = dims.All(d => d >= 0) ? dims.Select(d => (long)d).ToArray() : null!;
            }
            if (_outputShapes.Any(s => s is null))
            {
                // Open output dimensions: one run with runtime-allocated outputs tells their sizes (and warms up).
                using IDisposableReadOnlyCollection<OrtValue> results = RunGuarded(() => session.Run(_runOptions, _inputNames, _inputValues, _outputNames));
                int k = 0;
                foreach (OrtValue value in results)
                    _outputShapes[k++] = value.GetTensorTypeAndShape().Shape;
                ran = true;
            }
            _outputData = _outputShapes.Select(s => new float[checked((int)s.Aggregate(1L, (a, b) => a * b))]).ToArray();
            for (int o = 0; o < _outputNames.Length; o++)
                _outputValues[o] = OrtValue.CreateTensorValueFromMemory(_outputData[o], _outputShapes[o]);
            if (warmUp && !ran)
                RunGuarded(() =>
                {
                    session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);
                    return 0;
                });
        }
        catch
        {
            DisposeValues();
            throw;
        }
    }

    public IReadOnlyList<string> InputNames => _inputNames;
    public IReadOnlyList<string> OutputNames => _outputNames;

    /// <summary>The pre-allocated input tensor (fill it before <see cref="Run"/>).</summary>
    public Span<float> Input(string name) => _inputData[IndexOf(_inputNames, name, "input")];

    public Span<float> Input(int index) => _inputData[index];

    /// <summary>The output tensor of the last <see cref="Run"/>.</summary>
    public ReadOnlySpan<float> Output(string name) => _outputData[IndexOf(_outputNames, name, "output")];

    public ReadOnlySpan<float> Output(int index) => _outputData[index];

    public IReadOnlyList<long> InputShape(string name) => _inputShapes[IndexOf(_inputNames, name, "input")];

    public IReadOnlyList<long> OutputShape(string name) => _outputShapes[IndexOf(_outputNames, name, "output")];

    /// <summary>
    /// Runs the model on the current inputs into the pre-allocated outputs. Cancelling the token terminates the run in
    /// progress (ONNX Runtime checks between operators) and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <exception cref="ModelOutputException">An output contains NaN or infinity (when <see cref="SessionConfig.CheckOutputs"/>).</exception>
    public void Run(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _disposed) != 0)
            throw new ObjectDisposedException(nameof(FixedShapeRunner));
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            object? sessionGate = _owner.RunGate;
            if (sessionGate is null)
                RunLocked(cancellationToken);
            else
                lock (sessionGate)
                    RunLocked(cancellationToken);
        }
        if (_owner.Config.CheckOutputs)
            CheckOutputs();
    }

    private void RunLocked(CancellationToken cancellationToken)
    {
        _runOptions.Terminate = false;
        CancellationTokenRegistration registration = default;
        if (cancellationToken.CanBeCanceled)
            registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, _runOptions);
        try
        {
            _owner.Session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);
        }
        catch (OnnxRuntimeException e)
        {
            if (cancellationToken.IsCancellationRequested)
                throw new OperationCanceledException($"The run of {_owner.FilePath} was cancelled.", e, cancellationToken);
            throw new ModelException(_owner.FilePath, $"the run failed: {e.Message.Trim()}", e);
        }
        finally
        {
            registration.Dispose();
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    private void CheckOutputs()
    {
        for (int o = 0; o < _outputData.Length; o++)
        {
            float[] data = _outputData[o];
            if (AllFinite(data))
                continue;
            int nan = 0, inf = 0;
            for (int i = 0; i < data.Length; i++)
            {
                float v = data[i];
                // v - v is 0 for finite values and NaN for NaN and infinity: one test in the common case.
                if (v - v != 0f)
                {
                    if (float.IsNaN(v)) nan++;
                    else inf++;
                }
            }
            if (nan + inf > 0)
                throw new ModelOutputException(_owner.FilePath, _outputNames[o], nan, inf, data.Length);
        }
    }

    /// <summary>
    /// The common case in one vector pass: v - v is 0 for finite values and NaN otherwise, and a NaN stays in the
    /// running sum, so the sum is all zeros exactly when every value is finite.
    /// </summary>
    internal static bool AllFinite(float[] data)
    {
        ReadOnlySpan<Vector<float>> vectors = MemoryMarshal.Cast<float, Vector<float>>(data);
        Vector<float> sum = Vector<float>.Zero;
        foreach (Vector<float> v in vectors)
            sum += v - v;
        if (!Vector.EqualsAll(sum, Vector<float>.Zero))
            return false;
        for (int i = vectors.Length * Vector<float>.Count; i < data.Length; i++)
            if (data[i] - data[i] != 0f)
                return false;
        return true;
    }

    private T RunGuarded<T>(Func<T> run)
    {
        object? sessionGate = _owner.RunGate;
        try
        {
            if (sessionGate is null)
                return run();
            lock (sessionGate)
                return run();
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelException(_owner.FilePath, $"the warm-up run failed: {e.Message.Trim()}", e);
        }
    }

    private int IndexOf(string[] names, string name, string what)
    {
        int index = Array.IndexOf(names, name);
        if (index < 0)
            throw new ArgumentException($"{_owner.FilePath} has no {what} '{name}' ({what}s: {string.Join(", ", names)}).", nameof(name));
        return index;
    }

    /// <summary>A given shape against the graph's: the same rank, positive sizes, and the graph's fixed dimensions.</summary>
    private static void CheckShape(List<string> problems, string what, TensorInfo tensor, int[] shape)
    {
        if (shape.Length != tensor.Rank)
        {
            problems.Add($"{what} '{tensor.Name}' has rank {tensor.Rank} {Format(tensor.Dimensions)}, but the shape given is {Format(shape)}");
            return;
        }
        for (int d = 0; d < shape.Length; d++)
        {
            if (shape[d] <= 0)
                problems.Add($"{what} '{tensor.Name}' shape {Format(shape)} has a non-positive dimension");
            else if (tensor.Dimensions[d] >= 0 && tensor.Dimensions[d] != shape[d])
                problems.Add($"{what} '{tensor.Name}' dimension {d} is fixed at {tensor.Dimensions[d]} {Format(tensor.Dimensions)}, but {shape[d]} was given");
        }
    }

    private static string Format(IEnumerable<int> dims) => "[" + string.Join(", ", dims.Select(d => d < 0 ? "?" : d.ToString())) + "]";

    private void DisposeValues()
    {
        foreach (OrtValue? v in _inputValues)
            v?.Dispose();
        foreach (OrtValue? v in _outputValues)
            v?.Dispose();
        _runOptions.Dispose();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        lock (_gate)
            DisposeValues();
    }
}
