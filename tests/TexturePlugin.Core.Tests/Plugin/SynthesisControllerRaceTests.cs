using NUnit.Framework;
using TexturePlugin.Abstractions;
using TexturePlugin.Core.Imaging;
using TexturePlugin.Synthesis;

namespace TexturePlugin.Core.Tests.Plugin;

/// <summary>The synthesis controller's worker under a fake host, with the interleavings forced by gates instead of timing.</summary>
public class SynthesisControllerRaceTests
{
    // Only ever waited out when the test is failing: a broken interleaving reports instead of hanging CI.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The uncapped host's hand-off: the worker finishes an image while every upload slot is in flight and a newer
    /// request is already waiting (a host that animates posts one every frame). The finished image must still reach
    /// the texture once the GL thread's next frame has freed a slot, before the worker renders anything else. When the
    /// worker gave a refused image up for the newer request, a host posting every frame kept every image off the
    /// screen while the worker rendered hundreds a second.
    /// </summary>
    [Test]
    public void AFinishedImageReachesTheTextureBeforeTheNewerRequestsTheHostKeepsPosting()
    {
        using var temp = new TempFolder();
        var host = new FakeHost(temp.Path);
        host.SetNumber(PluginKeys.Size, 64);
        host.SetNumber(PluginKeys.Animate, 1);
        var events = new EventLog();
        var source = new GatedSource(events);
        using var refused = new ManualResetEventSlim(false);
        using var committed = new SemaphoreSlim(0);
        host.Registry.SlotRefused = _ =>
        {
            events.Add("refused");
            refused.Set();
        };
        host.Registry.Committed = (_, pixels) =>
        {
            events.Add($"commit {pixels[0]}");
            committed.Release();
        };

        SynthesisController? controller = null;
        try
        {
            controller = new SynthesisController(host, new IMaterialSource[] { source });
            controller.Update(new FrameTime(0, 1.0, 0));
            Assert.That(source.Entered.Wait(Timeout), Is.True, "the first render never started");

            // A frame while the worker renders: a newer request waits; every slot is still in flight.
            controller.Update(new FrameTime(1, 2.0, 1.0));
            source.Gate.Release();
            Assert.That(refused.Wait(Timeout), Is.True, "the finished image was never offered to the texture");

            // The GL thread's next frame: its fences signalled, a slot is free again; the host posts yet another request.
            host.Registry.SlotsFree = true;
            controller.Update(new FrameTime(2, 3.0, 1.0));

            // Either the finished image is committed, or the worker goes on to render (it gave the image up).
            int first = Task.WaitAny(new Task[] { committed.WaitAsync(), source.Entered.WaitAsync() }, Timeout);
            Assert.That(first, Is.Not.EqualTo(-1), "the worker neither committed its image nor rendered again");
            var afterRefusal = events.Snapshot().SkipWhile(e => e != "refused").Where(e => e != "refused").ToArray();
            Assert.That(afterRefusal, Is.Not.Empty);
            Assert.That(afterRefusal[0], Is.EqualTo("commit 1"),
                "after the refusal the worker must deliver its finished first image before rendering: " + string.Join(", ", events.Snapshot()));
            Assert.That(() => controller.Update(new FrameTime(3, 4.0, 1.0)), Throws.Nothing);
        }
        finally
        {
            source.Gate.Release(100);
            controller?.Dispose();
        }
    }

    /// <summary>
    /// A still image (nothing new is posted) whose upload was refused reaches the texture on a later frame: the GL
    /// thread's frame wakes the worker that waits for a slot, without a request to carry the wake.
    /// </summary>
    [Test]
    public void AStillImageWaitingForASlotIsUploadedOnALaterFrame()
    {
        using var temp = new TempFolder();
        var host = new FakeHost(temp.Path);
        host.SetNumber(PluginKeys.Size, 64);
        var events = new EventLog();
        var source = new GatedSource(events);
        using var refused = new ManualResetEventSlim(false);
        using var committed = new SemaphoreSlim(0);
        host.Registry.SlotRefused = _ => refused.Set();
        host.Registry.Committed = (_, pixels) =>
        {
            events.Add($"commit {pixels[0]}");
            committed.Release();
        };

        SynthesisController? controller = null;
        try
        {
            controller = new SynthesisController(host, new IMaterialSource[] { source });
            controller.Update(new FrameTime(0, 1.0, 0));
            Assert.That(source.Entered.Wait(Timeout), Is.True, "the render never started");
            source.Gate.Release();
            Assert.That(refused.Wait(Timeout), Is.True, "the finished image was never offered to the texture");
            Assert.That(controller.Busy, Is.True, "the image is not on the texture yet");

            host.Registry.SlotsFree = true;
            // The same request each frame (not animated): frames go by until the worker has taken the free slot.
            bool delivered = false;
            for (long frame = 1; !delivered && frame <= 200; frame++)
            {
                controller.Update(new FrameTime(frame, 1.0 + frame, 1.0));
                delivered = committed.Wait(TimeSpan.FromMilliseconds(50));
            }

            Assert.That(events.Snapshot(), Does.Contain("commit 1"), "the refused still image never reached the texture");
            Assert.That(source.Renders, Is.EqualTo(1), "a still image is rendered once");
        }
        finally
        {
            source.Gate.Release(100);
            controller?.Dispose();
        }
    }

    /// <summary>What happened, in order, across the test's and the worker's threads.</summary>
    private sealed class EventLog
    {
        private readonly List<string> _events = new();

        public void Add(string e)
        {
            lock (_events)
                _events.Add(e);
        }

        public string[] Snapshot()
        {
            lock (_events)
                return _events.ToArray();
        }
    }

    /// <summary>
    /// Render logs itself and signals <see cref="Entered"/>, then blocks until the test releases <see cref="Gate"/>, and
    /// fills the image with the render's number (1, 2, ...), so a commit tells which render it carries.
    /// </summary>
    private sealed class GatedSource : IMaterialSource
    {
        private readonly EventLog _events;
        private int _renders;

        public GatedSource(EventLog events) => _events = events;

        public SemaphoreSlim Entered { get; } = new(0);

        public SemaphoreSlim Gate { get; } = new(0);

        public int Renders => Volatile.Read(ref _renders);

        public string Name => "gated";

        public string Provider => "gated";

        public int SizeUnit => 8;

        public int MinimumSize => 8;

        public void Render(RgbaImage target, int seed, double time)
        {
            int number = Interlocked.Increment(ref _renders);
            _events.Add($"render {number}");
            Entered.Release();
            if (!Gate.Wait(Timeout))
                throw new TimeoutException("the test never released the render");
            Array.Fill(target.Pixels, (byte)number);
        }

        public void Dispose()
        {
        }
    }
}
