using NUnit.Framework;
using TexturePlugin.Core.Imaging;

namespace TexturePlugin.Core.Tests.Imaging;

[TestFixture]
public sealed class AtomicFileTests
{
    private TempFolder _temp = null!;

    [SetUp]
    public void SetUp() => _temp = new TempFolder();

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void Save_replaces_the_old_file_and_leaves_no_temporary_files()
    {
        string path = _temp.File("tex.png");
        ImageIO.Save(Pattern.Image(8, 8), path);
        ImageIO.Save(Pattern.Image(16, 4), path);
        RgbaImage loaded = ImageIO.Load(path);
        Assert.That((loaded.Width, loaded.Height), Is.EqualTo((16, 4)));
        Assert.That(Directory.GetFiles(_temp.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "tex.png" }));
    }

    [Test]
    public void A_failing_write_keeps_the_old_file_and_leaves_nothing_behind()
    {
        string path = _temp.File("tex.png");
        ImageIO.Save(Pattern.Image(8, 8), path);
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<ImageFileException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[5000], 0, 5000); // half a file written...
            throw new IOException("disk full (simulated)");
        }))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("disk full (simulated)").And.Contain("unchanged"));
        Assert.That(e.InnerException, Is.InstanceOf<IOException>());
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(_temp.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "tex.png" }));
    }

    [Test]
    public void A_failing_first_write_creates_no_file()
    {
        string path = _temp.File("new.png");
        Assert.Throws<ImageFileException>(() => AtomicFile.Write(path, _ => throw new InvalidOperationException("encoder broke")));
        Assert.That(Directory.GetFiles(_temp.Path), Is.Empty);
    }

    [Test]
    public void Missing_folder_is_named()
    {
        string path = Path.Combine(_temp.Path, "no", "such", "tex.png");
        var e = Assert.Throws<ImageFileException>(() => ImageIO.Save(Pattern.Image(), path))!;
        Assert.That(e.Message, Does.Contain("does not exist").And.Contain(Path.Combine(_temp.Path, "no", "such")));
    }

    [Test]
    public void A_folder_in_the_way_is_not_overwritten()
    {
        string path = _temp.File("tex.png");
        Directory.CreateDirectory(path);
        var e = Assert.Throws<ImageFileException>(() => ImageIO.Save(Pattern.Image(), path))!;
        Assert.That(e.Message, Does.Contain("folder"));
        Assert.That(Directory.Exists(path), Is.True);
        Assert.That(Directory.GetFiles(_temp.Path), Is.Empty);
    }
}
