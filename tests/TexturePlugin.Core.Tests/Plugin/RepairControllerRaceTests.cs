using NUnit.Framework;
using TexturePlugin.Abstractions;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Core.Models;
using TexturePlugin.Core.Repair;
using TexturePlugin.Repair;

namespace TexturePlugin.Core.Tests.Plugin;

/// <summary>The repair controller's worker under a fake host, with the interleavings forced by gates instead of timing.</summary>
public class RepairControllerRaceTests
{
    // Only ever waited out when the test is failing: a broken interleaving reports instead of hanging CI.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Opening an image while a repair runs: the worker's upload hits the deleted "after" texture while the GL thread
    /// is between deleting the old textures and SetMask. The generation must already have moved on then (SetImage
    /// counts up before deleting), so the worker swallows that failure, stays alive and repairs the new image; when
    /// only SetMask counted up, the worker failed and the next Update threw "Worker 'texplug-repair' failed:
    /// texture #2 does not belong to this plugin (or was deleted)." (seen once in CI).
    /// </summary>
    [Test]
    public void AnUploadIntoTexturesAnOpenDeletedLeavesTheWorkerAlive()
    {
        using var temp = new TempFolder();
        string png = temp.File("opened.png");
        var image = new RgbaImage(128, 96);
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
            {
                int i = (y * image.Width + x) * 4;
                (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]) = ((byte)(x * 2), (byte)(y * 2), (byte)(x ^ y));
                image.Pixels[i + 3] = 255; // opaque: the opened image brings no damage of its own
            }
        ImageIO.Save(image, png);

        var host = new FakeHost(temp.Path);
        var repairer = new GatedRepairer();
        using var staleUploadRefused = new ManualResetEventSlim(false);
        RepairController? controller = null;
        try
        {
            // The constructor opens a 256x256 procedural image and touches all of it: the worker starts a repair and waits.
            controller = new RepairController(host, repairer);
            Assert.That(repairer.Entered.Wait(Timeout), Is.True, "the first repair never started");
            var worker = repairer.WorkerThread!;
            var workerGone = Task.Factory.StartNew(worker.Join, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            var oldAfter = host.Registry.Find(PluginKeys.RepairAfter);
            Assert.That(oldAfter.IsValid, Is.True);
            host.Registry.Refused = handle =>
            {
                if (handle == oldAfter)
                    staleUploadRefused.Set();
            };
            host.Registry.Deleted = handle =>
            {
                // The GL thread, inside SetImage, right after the old "after" texture went: let the repair finish and upload
                // now, and go on only once that upload has been refused and the worker has judged the failure.
                if (handle != oldAfter)
                    return;
                repairer.Gate.Set();
                if (!staleUploadRefused.Wait(Timeout))
                    throw new TimeoutException("the released repair never uploaded into the deleted texture");
            };

            controller.Handle(new PluginCommand(PluginKeys.Open, png));
            Assert.That(staleUploadRefused.IsSet, Is.True, "the interleaving was not reached");

            // Either the worker takes up the new image (it survived) or it is gone (it failed): no timing involved.
            var repairedAgain = repairer.Entered.WaitAsync();
            int first = Task.WaitAny(new Task[] { repairedAgain, workerGone }, Timeout);
            Assert.That(first, Is.Not.EqualTo(-1), "the worker neither repaired the new image nor stopped");

            Assert.That(() => controller.Update(), Throws.Nothing);
            Assert.That(first, Is.EqualTo(0), "the worker did not take up the new image");
            Assert.That(repairer.Calls, Has.Count.EqualTo(2));
            Assert.That(repairer.Calls[0], Is.EqualTo((256, 256, new TileRect(0, 0, 256, 256))));
            Assert.That(repairer.Calls[1], Is.EqualTo((128, 96, new TileRect(0, 0, 128, 96))), "the later repair is of the opened image");
            Assert.That(host.Reported, Does.Contain((PluginKeys.Status, $"{png}: 128x96")));
            Assert.That(host.Messages.Where(m => m.Level == LogLevel.Error), Is.Empty);
        }
        finally
        {
            repairer.Gate.Set();
            controller?.Dispose();
        }

        Assert.That(repairer.Disposed, Is.True);
    }

    /// <summary>
    /// The worker prepares the repairer (opens and warms up the model) once, on its own thread, before the first repair,
    /// so a level designer's first stroke does not pay for the model load (GatedRepairer.Repair throws otherwise).
    /// </summary>
    [Test]
    public void TheWorkerPreparesTheRepairerOnceBeforeTheFirstRepair()
    {
        using var temp = new TempFolder();
        var host = new FakeHost(temp.Path);
        var repairer = new GatedRepairer();
        RepairController? controller = null;
        try
        {
            controller = new RepairController(host, repairer);
            Assert.That(repairer.Entered.Wait(Timeout), Is.True, "the first repair never started");
            Assert.That(repairer.Prepared, Has.Count.EqualTo(1));
            Assert.That(repairer.Prepared[0], Is.SameAs(repairer.WorkerThread), "prepared on the worker");
            Assert.That(repairer.Prepared[0], Is.Not.SameAs(Thread.CurrentThread));
            repairer.Gate.Set();
            Assert.That(() => controller.Update(), Throws.Nothing);
        }
        finally
        {
            repairer.Gate.Set();
            controller?.Dispose();
        }
        Assert.That(repairer.Prepared, Has.Count.EqualTo(1));
    }

    /// <summary>
    /// A repair model whose file is gone: Prepare reports it once and hands over to the copy guide, which then
    /// repairs the strokes (repair mode keeps working). A working model opens in Prepare.
    /// </summary>
    [Test]
    public void PrepareOpensTheModelOrFallsBackToTheCopyGuideWithOneError()
    {
        using var temp = new TempFolder();
        var host = new FakeHost(temp.Path);
        string fixtures = Path.Combine(TestPaths.RepoRoot, "tests", "fixtures", "engines");
        File.Copy(Path.Combine(fixtures, "fixture_repair.json"), temp.File("fixture_repair.json"));
        var image = new RgbaImage(64, 64);
        for (int i = 0; i < image.Pixels.Length; i++)
            image.Pixels[i] = i % 4 == 3 ? (byte)255 : (byte)(i * 37 % 251);
        var mask = new DamageMask(64, 64);
        mask.FillRect(20, 20, 8, 8);

        using (var missing = new ModelRepairer(ModelManifest.Load(temp.File("fixture_repair.json")), host.Log))
        {
            missing.Prepare();
            Assert.That(missing.Provider, Does.StartWith("copy guide"));
            Assert.That(host.Messages.Count(m => m.Level == LogLevel.Error && m.Text.Contains("fixture_repair.onnx")), Is.EqualTo(1),
                string.Join("\n", host.Messages));
            var repaired = image.Clone();
            for (int y = 20; y < 28; y++)
                for (int x = 20; x < 28; x++)
                    repaired.Pixels.AsSpan((y * 64 + x) * 4, 4).Fill(0);   // the hole: black, transparent
            missing.Repair(repaired, mask, new TileRect(20, 20, 8, 8));
            Assert.That(repaired.Pixels[(24 * 64 + 24) * 4 + 3], Is.Not.Zero, "the copy guide filled the hole from intact pixels");
            Assert.That(host.Messages.Count(m => m.Level == LogLevel.Error), Is.EqualTo(1), "reported once");
        }

        File.Copy(Path.Combine(fixtures, "fixture_repair.onnx"), temp.File("fixture_repair.onnx"));
        using var working = new ModelRepairer(ModelManifest.Load(temp.File("fixture_repair.json")), host.Log);
        working.Prepare();
        Assert.That(working.Provider, Does.StartWith("fixture_repair"));
        Assert.That(host.Messages.Count(m => m.Level == LogLevel.Error), Is.EqualTo(1), "no new error");
    }

    /// <summary>Repair signals <see cref="Entered"/> on each call, then blocks until the test opens <see cref="Gate"/>; changes nothing.</summary>
    private sealed class GatedRepairer : IRepairer
    {
        private readonly List<(int Width, int Height, TileRect Touched)> _calls = new();

        public SemaphoreSlim Entered { get; } = new(0);

        public ManualResetEventSlim Gate { get; } = new(false);

        public Thread? WorkerThread { get; private set; }

        public bool Disposed { get; private set; }

        public string Provider => "gated";

        /// <summary>Prepare calls, each with the thread it ran on.</summary>
        public List<Thread> Prepared { get; } = new();

        public void Prepare()
        {
            lock (_calls)
                Prepared.Add(Thread.CurrentThread);
        }

        public IReadOnlyList<(int Width, int Height, TileRect Touched)> Calls
        {
            get
            {
                lock (_calls)
                    return _calls.ToArray();
            }
        }

        public IReadOnlyList<TileRect> Repair(RgbaImage image, DamageMask mask, TileRect touched)
        {
            lock (_calls)
            {
                if (Prepared.Count == 0)
                    throw new InvalidOperationException("Repair before Prepare");
                _calls.Add((image.Width, image.Height, touched));
            }
            WorkerThread = Thread.CurrentThread;
            Entered.Release();
            if (!Gate.Wait(Timeout))
                throw new TimeoutException("the test never released the repair");
            return Array.Empty<TileRect>();
        }

        public void Dispose() => Disposed = true;
    }
}
