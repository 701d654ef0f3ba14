using NUnit.Framework;

namespace TexturePlugin.Demo.Tests;

public class UploadFigureTests
{
    [Test]
    public void TheFirstUploadIsShownAsSuchAndLeftOutOfTheAverage()
    {
        var f = new UploadFigure();
        Assert.That(f.ToString(), Is.EqualTo("no upload yet"));
        f.Add(358.2);
        Assert.That(f.ToString(), Is.EqualTo("first upload 358 ms"));
        f.Add(0.5);
        Assert.That(f.ToString(), Is.EqualTo("upload 0.50 ms"));
        f.Add(1.5);
        Assert.That(f.ToString(), Is.EqualTo("upload 0.60 ms"));
    }
}
