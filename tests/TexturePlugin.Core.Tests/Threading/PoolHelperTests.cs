using NUnit.Framework;
using TexturePlugin.Core.Threading;

namespace TexturePlugin.Core.Tests.Threading;

/// <summary>The engines' shared "second pair of hands": work runs once, on a pool thread or on the joining thread.</summary>
[TestFixture]
public class PoolHelperTests
{
    private sealed class Recorder : IHelperWork
    {
        public int Runs;
        public int ThreadId;
        public ManualResetEventSlim? Gate;
        public readonly ManualResetEventSlim Entered = new(false);
        public Exception? Throw;

        public void Run()
        {
            Entered.Set();
            Gate?.Wait();
            Interlocked.Increment(ref Runs);
            ThreadId = Environment.CurrentManagedThreadId;
            if (Throw is not null)
                throw Throw;
        }
    }

    [Test]
    public void WorkAPoolThreadHasStartedIsWaitedFor()
    {
        var helper = new PoolHelper();
        using var gate = new ManualResetEventSlim(false);
        var work = new Recorder { Gate = gate };
        helper.Start(work);
        // a pool thread is inside the work (held at the gate); let it go while we join
        Assert.That(work.Entered.Wait(TimeSpan.FromSeconds(10)), Is.True, "no pool thread took the work");
        Task.Run(() => { Thread.Sleep(50); gate.Set(); });
        Assert.That(helper.Join(), Is.Null);
        Assert.That(work.Runs, Is.EqualTo(1));
        Assert.That(work.ThreadId, Is.Not.EqualTo(Environment.CurrentManagedThreadId));
    }

    [Test]
    public void WorkNoPoolThreadHasStartedRunsOnTheJoiningThreadOnce()
    {
        var helper = new PoolHelper();
        var work = new Recorder();
        // Hold every pool thread, with more holders queued behind them: the work queued next waits behind those.
        int threads = ThreadPool.ThreadCount, started = 0;
        using var hold = new ManualResetEventSlim(false);
        for (int i = 0; i < threads + 8; i++)
            ThreadPool.UnsafeQueueUserWorkItem(_ => { Interlocked.Increment(ref started); hold.Wait(); }, null);
        SpinWait.SpinUntil(() => Volatile.Read(ref started) >= threads, TimeSpan.FromSeconds(10));
        try
        {
            helper.Start(work);
            Assert.That(helper.Join(), Is.Null);
            Assert.That(work.Runs, Is.EqualTo(1));
            // every pool thread is held and holders are queued ahead of it, so the joining thread withdrew the work
            // and did it itself
            Assert.That(work.ThreadId, Is.EqualTo(Environment.CurrentManagedThreadId));
        }
        finally
        {
            hold.Set();
        }
        // the withdrawn item, dequeued later, finds nothing to do
        Thread.Sleep(100);
        Assert.That(work.Runs, Is.EqualTo(1));
        // and the helper takes the next piece of work
        var next = new Recorder();
        helper.Start(next);
        Assert.That(helper.Join(), Is.Null);
        Assert.That(next.Runs, Is.EqualTo(1));
    }

    [Test]
    public void AFailureIsReturnedNotThrownAndTheHelperStaysUsable()
    {
        var helper = new PoolHelper();
        var boom = new InvalidOperationException("boom");
        helper.Start(new Recorder { Throw = boom });
        Assert.That(helper.Join(), Is.SameAs(boom));
        var fine = new Recorder();
        helper.Start(fine);
        Assert.That(helper.Join(), Is.Null);
        Assert.That(fine.Runs, Is.EqualTo(1));
    }
}
