using NUnit.Framework;
using TexturePlugin.Core.Repair;

namespace TexturePlugin.Core.Tests.Repair;

public class DirtyTilesTests
{
    private static bool Covers(TileRect t, int x, int y, int w, int h, int inset)
    {
        bool InAxis(int start, int length, int v, int period)
        {
            if (length >= period) return true;
            int offset = DirtyTiles.Mod(v - start, period);
            return offset >= inset && offset < length - inset;
        }
        return InAxis(t.X, t.Width, x, w) && InAxis(t.Y, t.Height, y, h);
    }

    [Test]
    public void EveryDamagedPixelLiesInExactlyOneTileWithItsMargin()
    {
        var mask = new DamageMask(256, 192);
        var rng = new Random(3);
        for (int i = 0; i < 40; i++)
            mask[rng.Next(256), rng.Next(192)] = true;
        mask.FillRect(100, 100, 20, 3);
        var tiles = DirtyTiles.Compute(mask, margin: 12, multiple: 8);
        Assert.That(tiles, Is.Not.Empty);
        foreach (TileRect t in tiles)
        {
            Assert.That(t.Width % 8, Is.EqualTo(0), t.ToString());
            Assert.That(t.Height % 8, Is.EqualTo(0), t.ToString());
        }
        for (int y = 0; y < 192; y++)
            for (int x = 0; x < 256; x++)
                if (mask[x, y])
                {
                    Assert.That(tiles.Count(t => Covers(t, x, y, 256, 192, 12)), Is.GreaterThanOrEqualTo(1), $"pixel ({x}, {y})");
                    Assert.That(tiles.Count(t => DirtyTiles.Owns(t, x, y, 256, 192, 12)), Is.GreaterThanOrEqualTo(1), $"pixel ({x}, {y})");
                }
    }

    [Test]
    public void TilesStaySeparateWhenMergingWouldCostMore()
    {
        // Two clusters whose margins overlap only at a corner: one merged box would be far larger than both.
        var mask = new DamageMask(512, 512);
        mask.FillRect(100, 100, 4, 4);
        mask.FillRect(160, 160, 4, 4);
        var tiles = DirtyTiles.Compute(mask, margin: 32, multiple: 8);
        Assert.That(tiles, Has.Count.EqualTo(2));
        Assert.That(tiles.Sum(t => t.Area), Is.LessThan(2 * 80L * 80));
    }

    [Test]
    public void DamageAcrossTheEdgeMakesOneWrappedTile()
    {
        var mask = new DamageMask(128, 128);
        mask.FillRect(0, 60, 3, 4);
        mask.FillRect(125, 60, 3, 4);
        var tiles = DirtyTiles.Compute(mask, margin: 8, multiple: 8);
        Assert.That(tiles, Has.Count.EqualTo(1));
        TileRect t = tiles[0];
        Assert.That(t.Width, Is.LessThan(40), t.ToString());
        Assert.That(Covers(t, 0, 61, 128, 128, 8) && Covers(t, 127, 61, 128, 128, 8), Is.True, t.ToString());
    }

    [Test]
    public void ClustersThatTouchAfterTheMarginAreMerged()
    {
        var mask = new DamageMask(256, 256);
        mask.FillRect(40, 40, 4, 4);
        mask.FillRect(80, 40, 4, 4);     // 36 pixels apart: separate clusters, but the margins overlap
        mask.FillRect(200, 200, 4, 4);   // far away
        var tiles = DirtyTiles.Compute(mask, margin: 20, multiple: 8);
        Assert.That(tiles, Has.Count.EqualTo(2));
    }

    [Test]
    public void DamageAroundTheWholeTextureGivesAFullTile()
    {
        var mask = DamageMask.SeamBand(96, 64, 4);
        var tiles = DirtyTiles.Compute(mask, margin: 8, multiple: 8);
        Assert.That(tiles, Has.Count.EqualTo(1));
        Assert.That((tiles[0].X, tiles[0].Y, tiles[0].Width, tiles[0].Height), Is.EqualTo((0, 0, 96, 64)));
    }

    [Test]
    public void ASeamBandThatWouldCoverTheWholeTextureIsRefused()
    {
        // A band of half the smaller side marks everything: the repair would have nothing intact to copy from.
        Assert.That(DamageMask.MaxSeamHalfWidth(96, 64), Is.EqualTo(16));
        Assert.That(DamageMask.SeamBand(96, 64, 16).CountDamaged(), Is.LessThan(96 * 64));
        var e = Assert.Throws<TexturePluginException>(() => DamageMask.SeamBand(96, 64, 100000))!;
        Assert.That(e.Message, Does.Contain("100000").And.Contain("96x64").And.Contain("at most 16"));
        Assert.Throws<TexturePluginException>(() => DamageMask.SeamBand(96, 64, 32));
    }

    [Test]
    public void ARegionOnlySeesTheDamageInsideIt()
    {
        var mask = new DamageMask(256, 256);
        mask.FillRect(10, 10, 4, 4);
        mask.FillRect(150, 150, 4, 4);
        var tiles = DirtyTiles.Compute(mask, new TileRect(140, 140, 32, 32), margin: 8, multiple: 8);
        Assert.That(tiles, Has.Count.EqualTo(1));
        Assert.That(Covers(tiles[0], 151, 151, 256, 256, 8), Is.True);
        Assert.That(Covers(tiles[0], 11, 11, 256, 256, 0), Is.False);
    }

    [Test]
    public void ARegionThatWrapsSeesDamageOnBothSides()
    {
        var mask = new DamageMask(200, 100);
        mask.FillRect(2, 50, 3, 3);
        mask.FillRect(196, 10, 3, 3);
        mask.FillRect(100, 50, 3, 3);
        var tiles = DirtyTiles.Compute(mask, new TileRect(190, 0, 20, 100), margin: 4, multiple: 8);
        Assert.That(tiles.Sum(t => Covers(t, 3, 51, 200, 100, 4) ? 1 : 0), Is.EqualTo(1));
        Assert.That(tiles.Sum(t => Covers(t, 197, 11, 200, 100, 4) ? 1 : 0), Is.EqualTo(1));
        Assert.That(tiles.Any(t => Covers(t, 101, 51, 200, 100, 0)), Is.False);
    }

    [Test]
    public void ExtractWrapsAroundBothEdges()
    {
        var rgba = new byte[8 * 4 * 4];
        for (int i = 0; i < 32; i++) rgba[i * 4] = (byte)i;
        var tile = new byte[4 * 2 * 4];
        DirtyTiles.Extract(rgba, 8, 4, new TileRect(6, 3, 4, 2), tile);
        byte[] expected = { 30, 31, 24, 25, 6, 7, 0, 1 };
        Assert.That(Enumerable.Range(0, 8).Select(i => tile[i * 4]).ToArray(), Is.EqualTo(expected));
    }
}
