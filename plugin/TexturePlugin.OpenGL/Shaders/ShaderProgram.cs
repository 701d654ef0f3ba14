using System.Text.RegularExpressions;
using Silk.NET.OpenGL;

namespace TexturePlugin.OpenGL.Shaders;

/// <summary>
/// A linked GLSL program loaded from files at run time. Compile and link errors throw
/// <see cref="ShaderException"/> naming the file and the line the driver reported.
/// </summary>
public sealed class ShaderProgram : IDisposable
{
    // Mesa: "0:12(5): error: ...", NVIDIA: "0(12) : error ...", AMD/Intel Windows: "ERROR: 0:12: ...".
    private static readonly Regex LineOfError = new(@"^(?:ERROR:\s*)?\d+[:(](\d+)", RegexOptions.Compiled);

    private readonly GlDevice _device;
    private readonly Dictionary<string, int> _uniforms = new(StringComparer.Ordinal);
    private uint _program;

    private ShaderProgram(GlDevice device, uint program, string name)
    {
        _device = device;
        _program = program;
        Name = name;
    }

    /// <summary>Names the program in messages (the vertex and fragment file names).</summary>
    public string Name { get; }

    /// <summary>The GL program name (0 once disposed).</summary>
    public uint Handle => _program;

    /// <summary>Compiles and links <paramref name="vertexPath"/> and <paramref name="fragmentPath"/> (GL thread).</summary>
    public static ShaderProgram Load(GlDevice device, string vertexPath, string fragmentPath)
    {
        string vertex = ReadSource(vertexPath);
        string fragment = ReadSource(fragmentPath);
        return FromSource(device, vertex, vertexPath, fragment, fragmentPath);
    }

    /// <summary>Loads <c>NAME.vert</c> and <c>NAME.frag</c> from <paramref name="directory"/>.</summary>
    public static ShaderProgram Load(GlDevice device, string directory, string vertexName, string fragmentName) =>
        Load(device, Path.Combine(directory, vertexName + ".vert"), Path.Combine(directory, fragmentName + ".frag"));

    /// <summary>Compiles and links sources; the paths only name them in errors (GL thread).</summary>
    public static ShaderProgram FromSource(GlDevice device, string vertexSource, string vertexPath, string fragmentSource, string fragmentPath)
    {
        device.EnsureGlThread();
        var gl = device.Gl;
        uint vs = Compile(gl, ShaderType.VertexShader, vertexSource, vertexPath);
        uint fs;
        try
        {
            fs = Compile(gl, ShaderType.FragmentShader, fragmentSource, fragmentPath);
        }
        catch
        {
            gl.DeleteShader(vs);
            throw;
        }

        uint program = gl.CreateProgram();
        gl.AttachShader(program, vs);
        gl.AttachShader(program, fs);
        gl.LinkProgram(program);
        gl.DetachShader(program, vs);
        gl.DetachShader(program, fs);
        gl.DeleteShader(vs);
        gl.DeleteShader(fs);
        gl.GetProgram(program, ProgramPropertyARB.LinkStatus, out int linked);
        if (linked == 0)
        {
            string log = gl.GetProgramInfoLog(program).Trim();
            gl.DeleteProgram(program);
            throw new ShaderException($"{vertexPath} + {fragmentPath}", 0, "link failed: " + log);
        }

        device.CheckErrors($"building {Path.GetFileName(vertexPath)} + {Path.GetFileName(fragmentPath)}");
        return new ShaderProgram(device, program, $"{Path.GetFileName(vertexPath)}+{Path.GetFileName(fragmentPath)}");
    }

    /// <summary>Binds the program (GL thread).</summary>
    public void Use() => _device.Gl.UseProgram(_program);

    /// <summary>The location of a uniform (-1 when the driver optimised it away); cached.</summary>
    public int Uniform(string name)
    {
        if (!_uniforms.TryGetValue(name, out int location))
        {
            location = _device.Gl.GetUniformLocation(_program, name);
            _uniforms[name] = location;
        }

        return location;
    }

    /// <summary>Sets a float uniform on the bound program.</summary>
    public void Set(string name, float value) => _device.Gl.Uniform1(Uniform(name), value);

    /// <summary>Sets an int (or sampler) uniform on the bound program.</summary>
    public void Set(string name, int value) => _device.Gl.Uniform1(Uniform(name), value);

    /// <summary>Sets a vec2 uniform on the bound program.</summary>
    public void Set(string name, float x, float y) => _device.Gl.Uniform2(Uniform(name), x, y);

    /// <summary>Sets a vec4 uniform on the bound program.</summary>
    public void Set(string name, float x, float y, float z, float w) => _device.Gl.Uniform4(Uniform(name), x, y, z, w);

    /// <summary>Queues deletion for the GL thread; idempotent.</summary>
    public void Dispose()
    {
        uint program = Interlocked.Exchange(ref _program, 0);
        if (program != 0)
            _device.EnqueueDeletion(gl => gl.DeleteProgram(program));
    }

    /// <summary>The first line number in a driver's info log, or 0.</summary>
    public static int FirstErrorLine(string log)
    {
        foreach (var raw in log.Split('\n'))
        {
            var match = LineOfError.Match(raw.Trim());
            if (match.Success && int.TryParse(match.Groups[1].Value, out int line))
                return line;
        }

        return 0;
    }

    private static string ReadSource(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ShaderException(path, 0, $"cannot be read: {e.Message}");
        }
    }

    private static uint Compile(GL gl, ShaderType type, string source, string path)
    {
        uint shader = gl.CreateShader(type);
        gl.ShaderSource(shader, source);
        gl.CompileShader(shader);
        gl.GetShader(shader, ShaderParameterName.CompileStatus, out int compiled);
        if (compiled != 0)
            return shader;
        string log = gl.GetShaderInfoLog(shader).Trim();
        gl.DeleteShader(shader);
        throw new ShaderException(path, FirstErrorLine(log), log);
    }
}
