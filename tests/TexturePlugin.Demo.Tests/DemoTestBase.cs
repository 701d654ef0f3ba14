using NUnit.Framework;

namespace TexturePlugin.Demo.Tests;

/// <summary>Paths of the plugins the build copied beside the tests, and a scratch plugins folder per test.</summary>
public abstract class DemoTestBase
{
    protected string Scratch = null!;

    protected static string Output => TestContext.CurrentContext.TestDirectory;

    protected static string BuiltPlugin(string project) => Path.Combine(Output, "testplugins", project);

    [SetUp]
    public void MakeScratch() => Scratch = Directory.CreateTempSubdirectory("texplug-demo-test-").FullName;

    [TearDown]
    public void RemoveScratch()
    {
        try
        {
            Directory.Delete(Scratch, recursive: true);
        }
        catch (IOException)
        {
            // a watcher may still hold the folder for a moment; the temp folder is cleaned by the OS
        }
    }

    /// <summary>Copies a built plugin into <c>Scratch/plugins/NAME</c> and returns that folder.</summary>
    protected string Install(string project, string? asName = null)
    {
        string target = Path.Combine(Scratch, "plugins", asName ?? project);
        CopyDirectory(BuiltPlugin(project), target);
        return target;
    }

    protected static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string destination = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    internal DemoApp Headless(params string[] args)
    {
        var options = DemoOptions.Parse(new[] { "--headless", "--plugins", Path.Combine(Scratch, "plugins"), "--size", "320x240" }.Concat(args).ToArray());
        var app = new DemoApp(options) { FixedTimeStep = 1.0 / 60 };
        app.Log.Quiet = true;
        return app;
    }

    /// <summary>Collects until the weak reference dies (or fails after many rounds).</summary>
    protected static bool Collected(WeakReference weak)
    {
        for (int i = 0; i < 20 && weak.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        return !weak.IsAlive;
    }
}
