using System.CommandLine;
using System.Diagnostics;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using NUnit.Framework;
using Spectre.Console;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Inference;

namespace TexturePlugin.Cli.Tests;

/// <summary>What a hostile but realistic user tries: limits, silent loss, broken catalogs, permissions, messages.</summary>
public partial class CliTests
{
    private string Mask(string name, int w, int h, byte value)
    {
        var mask = new RgbaImage(w, h);
        Array.Fill(mask.Pixels, value);
        string path = Path.Combine(_dir, name);
        ImageIO.Save(mask, path);
        return path;
    }

    /// <summary>A catalog folder with a copy of the fixtures' repair model under each name, edited.</summary>
    private string RepairCatalog(params (string Name, Action<JsonObject> Edit)[] models)
    {
        string folder = Path.Combine(_dir, "catalog");
        Directory.CreateDirectory(folder);
        foreach (var (name, edit) in models)
        {
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_fixtures, "fixture_repair.json")))!.AsObject();
            json["name"] = name;
            json.Remove("default");
            edit(json);
            File.WriteAllText(Path.Combine(folder, name + ".json"), json.ToJsonString());
            File.Copy(Path.Combine(_fixtures, "fixture_repair.onnx"), Path.Combine(folder, name + ".onnx"));
        }
        return folder;
    }

    private static void AssertOneLineWithoutTrace((int Code, string Out, string Err) r, string what)
    {
        Assert.That(r.Code, Is.AnyOf(0, 1, 2), what);
        Assert.That(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.LessThanOrEqualTo(1), what + ": " + r.Err);
        Assert.That(r.Out + r.Err, Does.Not.Match(@"\n\s+at \S+\(").And.Not.Contain("Unhandled exception"), what);
        if (r.Code != 0)
            Assert.That(r.Err, Does.StartWith("texplug: error: "), what);
    }

    // 1. threads

    [Test]
    public void ThreadsAboveTheMachineOrNotANumberAreRefusedInOneLine()
    {
        foreach (string threads in new[] { (Environment.ProcessorCount + 1).ToString(), "1000", "99999999", "abc", "" })
        {
            var watch = Stopwatch.StartNew();
            AssertFailsCleanly(Run("synth", "--material", "clouds", "--size", "64x64", "--threads", threads, "-o", Out), "--threads", Out);
            Assert.That(watch.ElapsedMilliseconds, Is.LessThan(5000), threads);
        }
        var r = Run("synth", "--material", "clouds", "--size", "64x64", "--threads", "1000", "-o", Out);
        Assert.That(r.Err, Does.Contain($"0 (automatic) to {SessionConfig.MaxThreads}"));
        r = Run("synth", "--model", Path.Combine(_fixtures, "fixture_synth.onnx"), "--size", "64x64", "--threads", SessionConfig.MaxThreads.ToString(), "-o", Out);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
    }

    // 2. pixel and input limits

    [Test]
    public void SizesOverTheImageLimitAreRefusedBeforeAnyWork()
    {
        foreach (string size in new[] { "100000x100000", "23168x23168", "16385x64" })
        {
            var watch = Stopwatch.StartNew();
            AssertFailsCleanly(Run("synth", "--material", "clouds", "--size", size, "-o", Out), "over the image limit", Out);
            AssertFailsCleanly(Run("synth", "--model", Path.Combine(_fixtures, "fixture_synth.onnx"), "--size", size, "-o", Out), "--max-side", Out);
            Assert.That(watch.ElapsedMilliseconds, Is.LessThan(5000), size);
        }
        // The flags move the limit both ways.
        AssertFailsCleanly(Run("synth", "--material", "clouds", "--size", "64x64", "--max-side", "32", "-o", Out), "64x64", Out);
        AssertFailsCleanly(Run("synth", "--material", "clouds", "--size", "64x64", "--max-megapixels", "0.003", "-o", Out), "64x64", Out);
        string input = Image("in.png", 96, 64, alphaHole: 0);
        AssertFailsCleanly(Run("repair", input, "--alpha", "--max-side", "80", "-o", Out, "--models", _fixtures), "96x64", Out);
        Assert.That(Run("synth", "--material", "clouds", "--size", "16400x8", "--max-side", "16400", "-o", Out).Code, Is.EqualTo(0));
    }

    [Test]
    public void AMaskWhoseHeaderClaimsAnotherSizeIsRefusedBeforeEitherIsDecoded()
    {
        // 33 bytes that claim 16000 x 16000: decoding them would cost gigabytes before the sizes were compared.
        string input = Image("in.png", 96, 64);
        string mask = Path.Combine(_dir, "mask.png");
        byte[] png = File.ReadAllBytes(input).AsSpan(0, 33).ToArray();
        foreach (int at in new[] { 16, 20 })
        {
            png[at] = 0; png[at + 1] = 0; png[at + 2] = 16000 >> 8; png[at + 3] = 16000 & 255;
        }
        File.WriteAllBytes(mask, png);
        AssertFailsCleanly(Run("repair", input, "--mask", mask, "-o", Out, "--models", _fixtures), "the mask is 16000x16000 but the image is 96x64", Out);
    }

    [Test]
    public void ADeviceAsInputIsRefusedFromItsFirstBytes()
    {
        if (!File.Exists("/dev/zero"))
            Assert.Ignore("no /dev/zero here");
        var watch = Stopwatch.StartNew();
        AssertFailsCleanly(Run("tile", "/dev/zero", "-o", Out, "--models", _fixtures), "not a regular file", Out);
        Assert.That(watch.ElapsedMilliseconds, Is.LessThan(5000));
    }

    [Test]
    public void VariantsAreWrittenAsTheyAreMadeNotKeptUntilTheEnd()
    {
        // Memory must not grow with --count: twelve 1024x1024 variants may allocate little more than one. BMP output
        // keeps the encoder's own allocation small, so what is left is the images the command keeps.
        const int side = 1024;
        long imageBytes = (long)side * side * 4;
        long Allocated(int count)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var r = Run("synth", "--material", "clouds", "--size", $"{side}x{side}", "--count", count.ToString(), "-o", Path.Combine(_dir, "v.bmp"));
            Assert.That(r.Code, Is.EqualTo(0), r.Err);
            return GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        Allocated(2);   // warm: JIT, scratch buffers, encoder tables
        long one = Allocated(1), twelve = Allocated(12);
        TestContext.Out.WriteLine($"allocated: one variant {one} B, twelve {twelve} B, an image {imageBytes} B");
        Assert.That(File.Exists(Path.Combine(_dir, "v_12.bmp")), Is.True);
        Assert.That(twelve - one, Is.LessThan(4 * imageBytes), $"one variant {one} B, twelve {twelve} B: the variants were kept");
    }

    // 3. no silent loss

    [Test]
    public void ARepairWhoseMaskCoversTheImageIsRefusedUnlessAllowed()
    {
        string input = Image("in.png", 96, 64);
        string white = Mask("white.png", 96, 64, 255);
        AssertFailsCleanly(Run("repair", input, "--mask", white, "-o", Out, "--models", _fixtures), "--allow-full", Out);
        var r = Run("repair", input, "--mask", white, "-o", Out, "--models", _fixtures);
        Assert.That(r.Err, Does.Contain("100% of the 96x64 image"));
        r = Run("repair", input, "--mask", white, "--allow-full", "-o", Out, "--models", _fixtures);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(File.Exists(Out), Is.True);
    }

    [Test]
    public void ATileBandWiderThanTheImageAllowsIsRefused()
    {
        string input = Image("in.png", 96, 64);
        foreach (string band in new[] { "100000", "17" })
            AssertFailsCleanly(Run("tile", input, "--band", band, "-o", Out, "--models", _fixtures), "at most 16 px", Out);
        Assert.That(Run("tile", input, "--band", "16", "-o", Out, "--models", _fixtures).Code, Is.EqualTo(0));
    }

    [Test]
    public void ARepairThatChangesNothingSaysSo()
    {
        string input = Image("in.png", 96, 64);
        var r = Run("repair", input, "--mask", Mask("black.png", 96, 64, 0), "-o", Out, "--models", _fixtures);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("nothing to repair"));
        Assert.That(ImageIO.Load(Out).Pixels, Is.EqualTo(ImageIO.Load(input).Pixels));
    }

    // 4. the catalog

    [Test]
    public void TheDefaultRepairModelIsTheOneNamedRepairNotTheFirstByName()
    {
        // aaa_broken sorts first and disagrees with its ONNX file; repair.json is fine.
        string catalog = RepairCatalog(("aaa_broken", j => j["value_range"] = new JsonArray(0.0, 1.0)), ("repair", _ => { }));
        string input = Image("in.png", 96, 64, alphaHole: 0);
        var r = Run("repair", input, "--alpha", "-o", Out, "--models", catalog);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("model 'repair'"));
        r = Run("tile", input, "-o", Path.Combine(_dir, "tiled.png"), "--models", catalog);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
    }

    [Test]
    public void ModelsCheckMarksEveryBrokenModelWithItsReason()
    {
        string catalog = RepairCatalog(("good", _ => { }), ("mismatched", j => j["value_range"] = new JsonArray(0.0, 1.0)),
            ("truncated", _ => { }), ("noise", _ => { }));
        byte[] onnx = File.ReadAllBytes(Path.Combine(catalog, "truncated.onnx"));
        File.WriteAllBytes(Path.Combine(catalog, "truncated.onnx"), onnx.AsSpan(0, onnx.Length / 2).ToArray());
        File.WriteAllBytes(Path.Combine(catalog, "noise.onnx"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());
        string nanFixture = Path.Combine(_fixtures, "..", "models", "nan_synth");
        File.Copy(nanFixture + ".json", Path.Combine(catalog, "nan_synth.json"));
        File.Copy(nanFixture + ".onnx", Path.Combine(catalog, "nan_synth.onnx"));

        var r = Run("models", "--check", "--models", catalog, "--ep", "cpu");
        Assert.That(r.Code, Is.EqualTo(1), r.Out);
        string[] lines = r.Out.Split('\n').Select(l => l.TrimEnd()).ToArray();
        Assert.That(lines, Has.Some.Match(@"^│ good\s+│ repair .*│ ok\s+│$"));
        Assert.That(lines, Has.Some.Match(@"^│ mismatched\s+│ repair .*│ broken\s+│$"));
        Assert.That(lines, Has.Some.StartsWith($"broken mismatched: {Path.Combine(catalog, "mismatched.onnx")}: the model does not match its manifest"));
        Assert.That(string.Join(" ", lines), Does.Contain("texplug.value_range is [-1, 1] but the manifest says [0, 1]"));
        Assert.That(lines, Has.Some.StartsWith($"broken truncated: {Path.Combine(catalog, "truncated.onnx")}: is truncated"));
        Assert.That(lines, Has.Some.StartsWith($"broken noise: {Path.Combine(catalog, "noise.onnx")}: is not an ONNX model"));
        Assert.That(lines, Has.Some.StartsWith($"broken nan_synth: {Path.Combine(catalog, "nan_synth.onnx")}: output 'image' contains 12288 NaN"));
        Assert.That(lines.Where(l => l.StartsWith("broken ", StringComparison.Ordinal)), Has.Exactly(4).Items);
        Assert.That(r.Err, Does.StartWith("texplug: error: 4 of 5 models are broken: mismatched, nan_synth, noise, truncated"));
    }

    [Test]
    public void BenchFailsWhenARowItWasAskedForCannotRun()
    {
        string catalog = RepairCatalog(("repair", j => j["value_range"] = new JsonArray(0.0, 1.0)));
        var r = Run("bench", "--quick", "--no-peers", "--models", catalog, "--ep", "cpu");
        Assert.That(r.Code, Is.EqualTo(1), r.Out);
        Assert.That(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), r.Err);
        Assert.That(r.Err, Does.Contain("could not run"));
        Assert.That(r.Out, Does.Contain("repair model 'repair' could not be used").IgnoreCase.And.Contain("No synthesis model"));
        AssertFailsCleanly(Run("bench", "--quick", "--no-peers", "--synth-model", Path.Combine(_dir, "none.onnx")), "none.onnx", Out);
    }

    // 5. permissions and links

    [Test]
    [UnsupportedOSPlatform("windows")]
    public void OverwritesKeepTheModeAndAReadOnlyOutputNeedsForce()
    {
        Assert.That(Run("synth", "--material", "clouds", "--size", "64x64", "-o", Out).Code, Is.EqualTo(0));
        File.SetUnixFileMode(Out, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.That(Run("synth", "--material", "clouds", "--size", "64x64", "--seed", "2", "-o", Out).Code, Is.EqualTo(0));
        Assert.That(File.GetUnixFileMode(Out), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));

        File.SetUnixFileMode(Out, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        byte[] before = File.ReadAllBytes(Out);
        var r = Run("synth", "--material", "clouds", "--size", "64x64", "--seed", "3", "-o", Out);
        Assert.That(r.Code, Is.EqualTo(1));
        Assert.That(r.Err, Does.Contain("read-only").And.Contain("--force"));
        Assert.That(File.ReadAllBytes(Out), Is.EqualTo(before));
        r = Run("synth", "--material", "clouds", "--size", "64x64", "--seed", "3", "--force", "-o", Out);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(File.ReadAllBytes(Out), Is.Not.EqualTo(before));
        Assert.That(File.GetUnixFileMode(Out), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead));
    }

    [Test]
    [UnsupportedOSPlatform("windows")]
    public void ASymlinkedOutputIsWrittenThroughToItsTarget()
    {
        string real = Path.Combine(_dir, "real.png"), link = Path.Combine(_dir, "link.png");
        Assert.That(Run("synth", "--material", "clouds", "--size", "64x64", "-o", real).Code, Is.EqualTo(0));
        File.CreateSymbolicLink(link, "real.png");
        var r = Run("synth", "--material", "marble", "--size", "32x16", "-o", link);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(new FileInfo(link).LinkTarget, Is.EqualTo("real.png"));
        Assert.That(ImageIO.Load(real).Width, Is.EqualTo(32));
    }

    // 6. messages

    [Test]
    public void MessagesNameTheRealProblem()
    {
        string folder = Path.Combine(_dir, "photos.png");
        Directory.CreateDirectory(folder);
        AssertFailsCleanly(Run("repair", folder, "--alpha", "-o", Out, "--models", _fixtures), "is a folder", Out);

        var r = Run("frobnicate");
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("unknown command 'frobnicate'").And.Contain("synth").And.Contain("repair").And.Contain("models"));

        // A manifest without its ONNX file is not an "unknown material".
        string catalog = Path.Combine(_dir, "catalog");
        Directory.CreateDirectory(catalog);
        File.Copy(Path.Combine(_fixtures, "fixture_synth.json"), Path.Combine(catalog, "fixture_synth.json"));
        AssertFailsCleanly(Run("synth", "--material", "fixture_synth", "--size", "64x64", "-o", Out, "--models", catalog), "its ONNX file fixture_synth.onnx is missing", Out);

        // No catalog: the unknown material says why there is none.
        string? saved = Environment.GetEnvironmentVariable("TEXPLUG_MODELS");
        try
        {
            Environment.SetEnvironmentVariable("TEXPLUG_MODELS", Path.Combine(_dir, "no-models-here"));
            AssertFailsCleanly(Run("synth", "--material", "grass", "--size", "64x64", "-o", Out), "no-models-here", Out);
            Assert.That(Run("synth", "--material", "grass", "--size", "64x64", "-o", Out).Err, Does.Contain("does not exist").And.Contain("only the procedural materials"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("TEXPLUG_MODELS", saved);
        }
    }

    [Test]
    public void ATruncatedPngNamesTheDecodersReasonWithoutNulBytes()
    {
        byte[] whole = File.ReadAllBytes(Image("whole.png", 96, 64));
        string cut = Path.Combine(_dir, "cut.png");
        File.WriteAllBytes(cut, whole.AsSpan(0, 300).ToArray());
        var r = Run("repair", cut, "--alpha", "-o", Out, "--models", _fixtures);
        AssertFailsCleanly(r, "cut.png: is not a readable image (", Out);
        Assert.That(r.Err.Contains('\0'), Is.False);
        Assert.That(r.Err.Any(c => char.IsControl(c) && c != '\n'), Is.False, r.Err);
    }

    // 7. what a killed process leaves

    [Test]
    public void StaleTemporaryFilesBesideTheOutputAreRemovedOnTheNextWrite()
    {
        string stale = Path.Combine(_dir, $".out.png.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(stale, Array.Empty<byte>());
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - TimeSpan.FromMinutes(2));
        Assert.That(Run("synth", "--material", "clouds", "--size", "64x64", "-o", Out).Code, Is.EqualTo(0));
        Assert.That(File.Exists(stale), Is.False);
    }

    // Every option of every command

    [Test]
    public void EveryOptionOfEveryCommandWithAMalformedValueEndsInOneLineWithoutATrace()
    {
        string input = Image("in.png", 96, 64, alphaHole: 0);
        string empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        // Arguments with which each command would run (or fail at once, for train and bench, which take minutes).
        var valid = new Dictionary<string, string[]>
        {
            ["models"] = new[] { "--models", _fixtures },
            ["synth"] = new[] { "--material", "clouds", "--size", "64x64", "-o", Out },
            ["repair"] = new[] { input, "--alpha", "-o", Out, "--models", _fixtures },
            ["tile"] = new[] { input, "-o", Out, "--models", _fixtures },
            ["train"] = new[] { "--exemplar", Path.Combine(_dir, "missing.png"), "--minutes", "1", "--name", "x" },
            ["bench"] = new[] { "--quick", "--no-peers", "--models", empty },
        };
        string[] malformed = { "abc", "-5", "", "NaN", "1e999", "99999999999999999999", "64x", "\u00e9\u0000" };
        RootCommand root = TexplugApp.Build(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }));
        Option[] global = root.Options.Where(o => o.Recursive).ToArray();
        int runs = 0;
        foreach (Command command in root.Subcommands)
        {
            Assert.That(valid.ContainsKey(command.Name), Is.True, $"no valid arguments for '{command.Name}' in this test");
            foreach (Option option in command.Options.Concat(global).Where(o => o is not System.CommandLine.Help.HelpOption and not VersionOption))
                foreach (string value in malformed)
                {
                    // The option's value replaces the one in the valid arguments, or is added.
                    var args = new List<string> { command.Name };
                    args.AddRange(valid[command.Name]);
                    int at = args.FindIndex(a => a == option.Name || option.Aliases.Contains(a));
                    if (at >= 0 && at + 1 < args.Count && !args[at + 1].StartsWith("-", StringComparison.Ordinal))
                        args[at + 1] = value;
                    else
                        args.AddRange(new[] { option.Name, value });
                    foreach (string f in Directory.GetFiles(_dir, "out*"))
                        File.Delete(f);
                    AssertOneLineWithoutTrace(Run(args.ToArray()), string.Join(" ", args));
                    runs++;
                }
        }
        Assert.That(runs, Is.GreaterThan(200));
    }
}
