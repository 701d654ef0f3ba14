using NUnit.Framework;
using TexturePlugin.Work;

namespace TexturePlugin.Core.Tests.Plugin;

/// <summary>The one hand-off primitive between the GL thread and a plugin worker.</summary>
public class WorkSignalTests
{
    // Only ever waited out when the test is failing.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Test]
    public void AWakeBeforeTheWaitIsKeptAndSeveralCountAsOne()
    {
        using var signal = new WorkSignal();
        signal.Wake();
        signal.Wake();
        Assert.That(signal.Wait(), Is.True, "the wake came before the wait and was kept");

        // The second wake was folded into the first: a new wait sleeps until the next wake.
        var waiting = Task.Factory.StartNew(signal.Wait, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.That(waiting.Wait(TimeSpan.FromMilliseconds(100)), Is.False, "a wait without a wake returned");
        signal.Wake();
        Assert.That(waiting.Wait(Timeout), Is.True, "the wake did not reach the waiting worker");
        Assert.That(waiting.Result, Is.True);
    }

    [Test]
    public void CloseReleasesAWaitingWorkerForGood()
    {
        using var signal = new WorkSignal();
        using var started = new ManualResetEventSlim(false);
        var waiting = Task.Factory.StartNew(() =>
        {
            started.Set();
            return signal.Wait();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.That(started.Wait(Timeout), Is.True);
        signal.Close();
        Assert.That(waiting.Wait(Timeout), Is.True, "Close did not wake the worker");
        Assert.That(waiting.Result, Is.False, "a closed signal tells the worker to return");
        Assert.That(signal.IsClosed, Is.True);
        Assert.That(signal.Wait(), Is.False, "later waits return at once");
    }

    [Test]
    public void LatestRequestHandsOverOnlyTheNewestPost()
    {
        using var requests = new LatestRequest<int>();
        requests.Post(1);
        requests.Post(2);
        Assert.That(requests.IsPending, Is.True);
        Assert.That(requests.TryTake(out int taken), Is.True);
        Assert.That(taken, Is.EqualTo(2), "newest wins");
        Assert.That(requests.IsPending, Is.False);

        // A nudge wakes a worker waiting for a frame but carries no request.
        requests.Nudge();
        Assert.That(requests.WaitForNudge(), Is.True);
        Assert.That(requests.IsPending, Is.False);

        requests.Close();
        Assert.That(requests.TryTake(out _), Is.False, "closed");
    }
}
