using NUnit.Framework;
using TexturePlugin.OpenGL.Shaders;

namespace TexturePlugin.OpenGL.Tests.Shaders;

public class ShaderProgramTests : GlTestBase
{
    private string _dir = null!;

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("texplug-shaders-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    [TestCase("quad", "textured")]
    [TestCase("quad", "tiled")]
    [TestCase("quad", "split")]
    [TestCase("quad", "overlay")]
    [TestCase("hud", "hud")]
    public void TheShippedShadersBuild(string vertex, string fragment)
    {
        using var program = ShaderProgram.Load(Device, ShaderDirectory, vertex, fragment);
        Assert.That(Device.Gl.IsProgram(program.Handle), Is.True);
    }

    [Test]
    public void ACompileErrorNamesTheFileAndLine()
    {
        string vert = Path.Combine(ShaderDirectory, "quad.vert");
        string frag = Path.Combine(_dir, "broken.frag");
        File.WriteAllText(frag, "#version 330 core\nout vec4 c;\nvoid main()\n{\n    c = vec4(undefinedThing, 1.0);\n}\n");
        var error = Assert.Throws<ShaderException>(() => ShaderProgram.Load(Device, vert, frag))!;
        Assert.That(error.FilePath, Is.EqualTo(frag));
        Assert.That(error.Line, Is.EqualTo(5));
        Assert.That(error.Message, Does.StartWith(frag + ":5: "));
        Assert.That(error.Message, Does.Contain("undefinedThing"));
    }

    [Test]
    public void ALinkErrorNamesBothFiles()
    {
        string vert = Path.Combine(_dir, "a.vert");
        string frag = Path.Combine(_dir, "b.frag");
        File.WriteAllText(vert, "#version 330 core\nout vec2 vFoo;\nvoid main() { vFoo = vec2(0); gl_Position = vec4(0); }\n");
        File.WriteAllText(frag, "#version 330 core\nin vec3 vFoo;\nout vec4 c;\nvoid main() { c = vec4(vFoo, 1.0); }\n");
        var error = Assert.Throws<ShaderException>(() => ShaderProgram.Load(Device, vert, frag))!;
        Assert.That(error.Message, Does.Contain("a.vert").And.Contains("b.frag").And.Contains("link failed"));
    }

    [Test]
    public void AMissingFileIsNamed()
    {
        string missing = Path.Combine(_dir, "nope.vert");
        Assert.That(() => ShaderProgram.Load(Device, missing, missing),
            Throws.TypeOf<ShaderException>().With.Message.StartsWith(missing + ": cannot be read"));
    }

    [TestCase("0:12(5): error: `x' undeclared", 12)]
    [TestCase("0(7) : error C1008: undefined variable", 7)]
    [TestCase("ERROR: 0:3: 'foo' : undeclared identifier", 3)]
    [TestCase("no line here", 0)]
    public void LinesAreFoundInEveryDriversFormat(string log, int line) =>
        Assert.That(ShaderProgram.FirstErrorLine(log), Is.EqualTo(line));
}
