using System.Runtime.CompilerServices;

namespace TexturePlugin.Core.Tests;

/// <summary>Where the repository's fixtures are, and scratch folders that clean up after themselves.</summary>
internal static class TestPaths
{
    // Found from this source file's place: the test binaries may live in another artifacts folder.
    private static readonly Lazy<string> Root = new(() => FindRoot());

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (string start in new[] { Path.GetDirectoryName(sourceFile) ?? "", AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
            for (DirectoryInfo? dir = start.Length == 0 ? null : new(start); dir is not null; dir = dir.Parent)
                if (Directory.Exists(Path.Combine(dir.FullName, "tests", "fixtures")))
                    return dir.FullName;
        throw new InvalidOperationException($"No tests/fixtures folder above {sourceFile}, {AppContext.BaseDirectory} or the current directory.");
    }

    public static string RepoRoot => Root.Value;

    public static string ModelFixtures => Path.Combine(RepoRoot, "tests", "fixtures", "models");

    public static string ImageFixtures => Path.Combine(RepoRoot, "tests", "fixtures", "images");

    public static string ModelFixture(string name) => Path.Combine(ModelFixtures, name);

    public static string ImageFixture(string name) => Path.Combine(ImageFixtures, name);
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "texplug-core-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
