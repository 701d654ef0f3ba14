using System.Runtime.Versioning;
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

    private static void UnixOnly()
    {
        if (OperatingSystem.IsWindows())
            Assert.Ignore("Unix permission bits and symbolic links");
    }

    [Test]
    [UnsupportedOSPlatform("windows")]
    public void Replacing_a_file_keeps_its_permission_bits()
    {
        UnixOnly();
        string path = _temp.File("private.png");
        ImageIO.Save(Pattern.Image(8, 8), path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        ImageIO.Save(Pattern.Image(16, 4), path);
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(ImageIO.Load(path).Width, Is.EqualTo(16));

        const UnixFileMode shared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead;
        File.SetUnixFileMode(path, shared);
        AtomicFile.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(shared));
    }

    [Test]
    [UnsupportedOSPlatform("windows")]
    public void A_read_only_file_is_replaced_only_when_asked_and_stays_read_only()
    {
        UnixOnly();
        string path = _temp.File("locked.png");
        ImageIO.Save(Pattern.Image(8, 8), path);
        const UnixFileMode readOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        File.SetUnixFileMode(path, readOnly);
        byte[] before = File.ReadAllBytes(path);

        var e = Assert.Throws<ImageFileException>(() => ImageIO.Save(Pattern.Image(16, 4), path))!;
        Assert.That(e.Message, Does.Contain(path).And.Contain("read-only"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
        Assert.Throws<ImageFileException>(() => AtomicFile.CheckReplaceable(path));
        Assert.That(Directory.GetFiles(_temp.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "locked.png" }));

        ImageIO.Save(Pattern.Image(16, 4), path, replaceReadOnly: true);
        Assert.That(ImageIO.Load(path).Width, Is.EqualTo(16));
        Assert.That(File.GetUnixFileMode(path), Is.EqualTo(readOnly));
    }

    [Test]
    [UnsupportedOSPlatform("windows")]
    public void A_symbolic_link_is_written_through_to_its_target_and_stays_a_link()
    {
        UnixOnly();
        string real = Path.Combine(_temp.Path, "store", "real.png");
        Directory.CreateDirectory(Path.GetDirectoryName(real)!);
        ImageIO.Save(Pattern.Image(8, 8), real);
        File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        string link = _temp.File("link.png");
        File.CreateSymbolicLink(link, Path.Combine("store", "real.png"));   // relative, as ln -s makes them

        ImageIO.Save(Pattern.Image(16, 4), link);
        Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo(Path.Combine("store", "real.png")), "the link was replaced by a file");
        Assert.That(ImageIO.Load(real).Width, Is.EqualTo(16));
        Assert.That(File.GetUnixFileMode(real), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(Directory.GetFiles(_temp.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "link.png" }));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(real)!).Select(Path.GetFileName), Is.EqualTo(new[] { "real.png" }));

        // A link to a read-only file is refused as the file itself would be.
        File.SetUnixFileMode(real, UnixFileMode.UserRead);
        Assert.That(Assert.Throws<ImageFileException>(() => ImageIO.Save(Pattern.Image(8, 8), link))!.Message, Does.Contain("read-only"));
        Assert.That(ImageIO.Load(real).Width, Is.EqualTo(16));
    }

    [Test]
    public void Stale_temporary_files_beside_the_target_are_removed_on_the_next_write()
    {
        // What a process killed mid-write leaves: .NAME.GUID.tmp. Old ones go; a young one may be a write under way.
        string path = _temp.File("tex.png");
        string stale = _temp.File($".tex.png.{Guid.NewGuid():N}.tmp"), young = _temp.File($".tex.png.{Guid.NewGuid():N}.tmp");
        string otherName = _temp.File($".other.png.{Guid.NewGuid():N}.tmp"), notOurs = _temp.File(".tex.png.notes.tmp");
        foreach (string f in new[] { stale, young, otherName, notOurs })
            File.WriteAllBytes(f, Array.Empty<byte>());
        DateTime old = DateTime.UtcNow - TimeSpan.FromMinutes(5);
        foreach (string f in new[] { stale, otherName, notOurs })
            File.SetLastWriteTimeUtc(f, old);

        ImageIO.Save(Pattern.Image(8, 8), path);
        Assert.That(Directory.GetFiles(_temp.Path).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal),
            Is.EqualTo(new[] { Path.GetFileName(otherName), Path.GetFileName(notOurs), Path.GetFileName(young), "tex.png" }.OrderBy(n => n, StringComparer.Ordinal)));
    }
}
