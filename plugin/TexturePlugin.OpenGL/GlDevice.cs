using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Silk.NET.OpenGL;

namespace TexturePlugin.OpenGL;

/// <summary>
/// The GL context as this layer sees it: the one thread allowed to call GL, what the driver offers,
/// the one place GL errors arrive (KHR_debug callback, else glGetError), and the queue through which
/// GL objects released on any thread are deleted on the GL thread.
/// </summary>
public sealed unsafe class GlDevice : IDisposable
{
    private readonly ConcurrentQueue<Action<GL>> _deletions = new();
    private readonly DebugProc? _debugProc; // kept alive as long as the driver may call it
    private readonly object _messagesLock = new();
    private readonly List<string> _errors = new();
    private readonly HashSet<long> _seenMessages = new();
    private long _repeatedMessages;
    private int _disposed;

    /// <summary>Takes over the GL context current on the calling thread, which becomes the GL thread.</summary>
    /// <param name="gl">Entry points of the current context.</param>
    /// <param name="allowBufferStorage">False forces the orphaning upload path (tests, old drivers).</param>
    public GlDevice(GL gl, bool allowBufferStorage = true)
    {
        Gl = gl ?? throw new ArgumentNullException(nameof(gl));
        GlThreadId = Environment.CurrentManagedThreadId;
        string? version = gl.GetStringS(StringName.Version);
        if (string.IsNullOrEmpty(version))
            throw new GlException("glGetString(GL_VERSION) returned nothing: no GL context is current on this thread.");
        Version = version;
        Renderer = gl.GetStringS(StringName.Renderer) ?? "unknown";
        MajorVersion = gl.GetInteger(GetPName.MajorVersion);
        MinorVersion = gl.GetInteger(GetPName.MinorVersion);
        var extensions = new HashSet<string>(StringComparer.Ordinal);
        int extensionCount = gl.GetInteger(GetPName.NumExtensions);
        for (uint i = 0; i < (uint)extensionCount; i++)
        {
            string? name = gl.GetStringS(StringName.Extensions, i);
            if (name is not null)
                extensions.Add(name);
        }

        Extensions = extensions;
        int versionNumber = MajorVersion * 10 + MinorVersion;
        if (versionNumber < 33)
            throw new GlException($"OpenGL {MajorVersion}.{MinorVersion} ({Renderer}) is too old: 3.3 or newer is required.");
        if (versionNumber < 42 && !extensions.Contains("GL_ARB_texture_storage"))
            throw new GlException($"OpenGL {MajorVersion}.{MinorVersion} ({Renderer}) lacks glTexStorage2D (GL 4.2 or ARB_texture_storage).");
        HasBufferStorage = allowBufferStorage && (versionNumber >= 44 || extensions.Contains("GL_ARB_buffer_storage"));
        HasDebugOutput = versionNumber >= 43 || extensions.Contains("GL_KHR_debug");
        MaxTextureSize = gl.GetInteger(GetPName.MaxTextureSize);

        if (HasDebugOutput)
        {
            _debugProc = OnDebugMessage;
            gl.Enable(EnableCap.DebugOutput);
            // Synchronous: the callback runs inside the failing call, so a stack trace points at it.
            gl.Enable(EnableCap.DebugOutputSynchronous);
            gl.DebugMessageCallback(_debugProc, null);
            gl.DebugMessageControl(DebugSource.DontCare, DebugType.DontCare, DebugSeverity.DontCare, 0, (uint*)null, true);
        }

        // Uploads are tightly packed rows; the default alignment of 4 would be wrong for RGB-like widths.
        gl.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
    }

    /// <summary>Silk.NET's entry points.</summary>
    public GL Gl { get; }

    /// <summary>The managed thread that may call GL.</summary>
    public int GlThreadId { get; }

    /// <summary>GL_VERSION.</summary>
    public string Version { get; }

    /// <summary>GL_RENDERER.</summary>
    public string Renderer { get; }

    /// <summary>Context major version.</summary>
    public int MajorVersion { get; }

    /// <summary>Context minor version.</summary>
    public int MinorVersion { get; }

    /// <summary>The driver's extensions.</summary>
    public IReadOnlySet<string> Extensions { get; }

    /// <summary>Persistent mapped buffers are available (GL 4.4 or ARB_buffer_storage) and allowed.</summary>
    public bool HasBufferStorage { get; }

    /// <summary>KHR_debug messages arrive through a callback.</summary>
    public bool HasDebugOutput { get; }

    /// <summary>GL_MAX_TEXTURE_SIZE.</summary>
    public int MaxTextureSize { get; }

    /// <summary>GL errors seen so far (debug callback errors and glGetError codes).</summary>
    public int ErrorCount { get; private set; }

    /// <summary>
    /// The driver's messages (errors, warnings, performance notes), raised on the GL thread: every error, and the first
    /// of each other kind (source, type and id); repeats of those are only counted in <see cref="RepeatedMessages"/>.
    /// </summary>
    public event Action<string>? Message;

    /// <summary>Messages other than errors that repeated one seen before, and so were counted but not formatted or raised.</summary>
    public long RepeatedMessages => Interlocked.Read(ref _repeatedMessages);

    /// <summary>Distinct non-error messages kept for recognising repeats; later new ones are counted as repeats too.</summary>
    public const int DistinctMessageLimit = 1024;

    /// <summary>A copy of the error messages seen so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_messagesLock)
                return _errors.ToArray();
        }
    }

    /// <summary>True on the GL thread.</summary>
    public bool IsGlThread => Environment.CurrentManagedThreadId == GlThreadId;

    /// <summary>Throws when called off the GL thread: raw GL calls start behind this check.</summary>
    public void EnsureGlThread()
    {
        if (!IsGlThread)
            throw new GlException($"GL called from thread {Environment.CurrentManagedThreadId}, but only the GL thread {GlThreadId} may call GL.");
    }

    /// <summary>
    /// Drains glGetError (errors the debug callback did not see, or every error without KHR_debug);
    /// throws with all the codes when there were any.
    /// </summary>
    public void CheckErrors(string where)
    {
        GLEnum error = (GLEnum)Gl.GetError();
        if (error == GLEnum.NoError)
            return;
        var codes = new List<string>();
        for (int guard = 0; error != GLEnum.NoError && guard < 16; guard++)
        {
            codes.Add($"{error} (0x{(int)error:X4})");
            error = (GLEnum)Gl.GetError();
        }

        string message = $"GL error after {where}: {string.Join(", ", codes)}";
        RecordError(message);
        throw new GlException(message);
    }

    /// <summary>Queues a GL deletion; runs on the GL thread at the next <see cref="ProcessDeletions"/> (any thread may call this).</summary>
    public void EnqueueDeletion(Action<GL> delete)
    {
        if (Volatile.Read(ref _disposed) != 0)
            return; // the context is gone and took every object with it
        _deletions.Enqueue(delete);
    }

    /// <summary>Number of deletions waiting for the GL thread.</summary>
    public int PendingDeletions => _deletions.Count;

    /// <summary>Runs queued deletions (GL thread).</summary>
    public void ProcessDeletions()
    {
        EnsureGlThread();
        while (_deletions.TryDequeue(out var delete))
            delete(Gl);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        if (IsGlThread)
        {
            while (_deletions.TryDequeue(out var delete))
                delete(Gl);
            if (HasDebugOutput)
                Gl.DebugMessageCallback(null, null);
        }
    }

    private void RecordError(string message)
    {
        lock (_messagesLock)
        {
            ErrorCount++;
            if (_errors.Count < 100)
                _errors.Add(message);
        }
    }

    private void OnDebugMessage(GLEnum source, GLEnum type, int id, GLEnum severity, int length, nint message, nint userParam)
    {
        bool error = (DebugType)type == DebugType.DebugTypeError;
        if (!error && !FirstOfItsKind(source, type, id))
        {
            // A driver may send the same note every frame (buffer placement, a pixel path it takes); formatting it each time
            // would make the GL thread allocate per frame on that driver alone.
            Interlocked.Increment(ref _repeatedMessages);
            return;
        }

        string text = Marshal.PtrToStringAnsi(message, length);
        string line = $"GL {(DebugType)type} ({(DebugSeverity)severity}, id {id}): {text}";
        // Shader compiler messages repeat the info log that ShaderProgram reports with file and line.
        if (error && (DebugSource)source != DebugSource.DebugSourceShaderCompiler)
        {
            RecordError(line);
            Debug.WriteLine(line);
        }

        Message?.Invoke(line);
    }

    private bool FirstOfItsKind(GLEnum source, GLEnum type, int id)
    {
        // The GLenums of sources and types fit 16 bits each (0x8246..0x826A); the id takes the low 32.
        long key = ((long)((int)source & 0xFFFF) << 48) | ((long)((int)type & 0xFFFF) << 32) | (uint)id;
        lock (_messagesLock)
            return _seenMessages.Count < DistinctMessageLimit && _seenMessages.Add(key);
    }
}
