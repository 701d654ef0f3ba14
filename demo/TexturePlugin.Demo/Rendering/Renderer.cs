using Silk.NET.OpenGL;
using TexturePlugin.Core.Imaging;
using TexturePlugin.OpenGL;
using TexturePlugin.OpenGL.Shaders;
using TexturePlugin.OpenGL.Textures;

namespace TexturePlugin.Demo.Rendering;

/// <summary>A rectangle in framebuffer pixels, origin top-left.</summary>
internal readonly record struct PixelRect(float X, float Y, float Width, float Height)
{
    public bool Contains(float x, float y) => x >= X && y >= Y && x < X + Width && y < Y + Height;
}

/// <summary>
/// Draws the demo's frame into an offscreen target (so headless and windowed runs render the same
/// pixels and a screenshot is a read of that target): textured, tiled, split and overlay quads and the HUD.
/// </summary>
internal sealed unsafe class Renderer : IDisposable
{
    private const int HudCapacity = 480;

    private readonly GlDevice _device;
    private readonly ShaderProgram _textured, _tiled, _split, _overlay, _hud;
    private readonly int[] _hudText = new int[HudCapacity];
    private uint _vao, _framebuffer, _colorTexture;
    private int _disposed;

    public Renderer(GlDevice device, string shaderDirectory)
    {
        _device = device;
        _textured = ShaderProgram.Load(device, shaderDirectory, "quad", "textured");
        _tiled = ShaderProgram.Load(device, shaderDirectory, "quad", "tiled");
        _split = ShaderProgram.Load(device, shaderDirectory, "quad", "split");
        _overlay = ShaderProgram.Load(device, shaderDirectory, "quad", "overlay");
        _hud = ShaderProgram.Load(device, shaderDirectory, "hud", "hud");
        _vao = device.Gl.GenVertexArray(); // core profile draws need a bound VAO even without attributes
    }

    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>Binds the offscreen target at the given size (reallocated when it changes) and clears it.</summary>
    public void BeginFrame(int width, int height)
    {
        var gl = _device.Gl;
        if (width != Width || height != Height || _framebuffer == 0)
            AllocateTarget(Math.Max(1, width), Math.Max(1, height));
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, _framebuffer);
        gl.Viewport(0, 0, (uint)Width, (uint)Height);
        gl.Disable(EnableCap.DepthTest);
        gl.Disable(EnableCap.Blend);
        gl.ClearColor(0.11f, 0.12f, 0.13f, 1f);
        gl.Clear(ClearBufferMask.ColorBufferBit);
        gl.BindVertexArray(_vao);
    }

    public void DrawTexture(GpuTexture texture, PixelRect rect)
    {
        _textured.Use();
        Bind(0, texture.Name);
        _textured.Set("uTexture", 0);
        Draw(_textured, rect);
    }

    public void DrawTiled(GpuTexture texture, PixelRect rect, int tiles, bool seams)
    {
        _tiled.Use();
        Bind(0, texture.Name);
        _tiled.Set("uTexture", 0);
        _tiled.Set("uTiles", (float)tiles);
        _tiled.Set("uSeams", seams ? 1f : 0f);
        Draw(_tiled, rect);
    }

    public void DrawSplit(GpuTexture before, GpuTexture after, PixelRect rect, float split)
    {
        _split.Use();
        Bind(0, before.Name);
        Bind(1, after.Name);
        _split.Set("uBefore", 0);
        _split.Set("uAfter", 1);
        _split.Set("uSplit", split);
        Draw(_split, rect);
    }

    /// <summary>Blends the mask (red channel) and the brush circle over <paramref name="rect"/>.</summary>
    public void DrawOverlay(GpuTexture? mask, PixelRect rect, float brushU, float brushV, float brushRadiusU, float aspect, bool showBrush, float maskOpacity, float maskMaxU = 1f)
    {
        var gl = _device.Gl;
        gl.Enable(EnableCap.Blend);
        gl.BlendFunc(BlendingFactor.SrcAlpha, BlendingFactor.OneMinusSrcAlpha);
        _overlay.Use();
        Bind(0, mask?.Name ?? 0);
        _overlay.Set("uMask", 0);
        _overlay.Set("uMaskOpacity", mask is null ? 0f : maskOpacity);
        _overlay.Set("uBrush", brushU, brushV, brushRadiusU, showBrush ? 1f : 0f);
        _overlay.Set("uAspect", aspect);
        _overlay.Set("uMaskMaxU", maskMaxU);
        Draw(_overlay, rect);
        gl.Disable(EnableCap.Blend);
    }

    /// <summary>Text lines at (x, y) in pixels, each font pixel <paramref name="scale"/> pixels.</summary>
    public void DrawHud(IReadOnlyList<string> lines, float x, float y, float scale)
    {
        int columns = 1;
        foreach (var line in lines)
            columns = Math.Max(columns, line.Length);
        int rows = Math.Min(lines.Count, HudCapacity / columns);
        int count = rows * columns;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                _hudText[r * columns + c] = HudFont.Bits(c < lines[r].Length ? lines[r][c] : ' ');

        var gl = _device.Gl;
        gl.Enable(EnableCap.Blend);
        gl.BlendFunc(BlendingFactor.SrcAlpha, BlendingFactor.OneMinusSrcAlpha);
        _hud.Use();
        fixed (int* text = _hudText)
            gl.Uniform1(_hud.Uniform("uText[0]"), (uint)count, text);
        _hud.Set("uCount", count);
        _hud.Set("uColumns", columns);
        _hud.Set("uScale", scale);
        _hud.Set("uColor", 0.95f, 0.95f, 0.85f, 1f);
        _hud.Set("uViewport", Width, Height);
        _hud.Set("uRect", x, y, (columns * 4 + 1) * scale, (rows * 6 + 1) * scale);
        gl.DrawArrays(PrimitiveType.TriangleStrip, 0, 4);
        gl.Disable(EnableCap.Blend);
    }

    /// <summary>Copies the offscreen target to the window's framebuffer.</summary>
    public void BlitToWindow()
    {
        var gl = _device.Gl;
        gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, _framebuffer);
        gl.BindFramebuffer(FramebufferTarget.DrawFramebuffer, 0);
        gl.BlitFramebuffer(0, 0, Width, Height, 0, 0, Width, Height, ClearBufferMask.ColorBufferBit, BlitFramebufferFilter.Nearest);
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
    }

    /// <summary>Reads the offscreen target as an image, top row first.</summary>
    public RgbaImage ReadFrame()
    {
        var gl = _device.Gl;
        var image = new RgbaImage(Width, Height);
        gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, _framebuffer);
        fixed (byte* pixels = image.Pixels)
            gl.ReadPixels(0, 0, (uint)Width, (uint)Height, PixelFormat.Rgba, PixelType.UnsignedByte, pixels);
        gl.BindFramebuffer(FramebufferTarget.ReadFramebuffer, 0);
        _device.CheckErrors("reading the frame");
        // GL rows run bottom-up; image files top-down.
        var row = new byte[Width * 4];
        for (int top = 0, bottom = Height - 1; top < bottom; top++, bottom--)
        {
            image.Row(top).CopyTo(row);
            image.Row(bottom).CopyTo(image.Row(top));
            row.CopyTo(image.Row(bottom));
        }

        return image;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        foreach (var program in new[] { _textured, _tiled, _split, _overlay, _hud })
            program.Dispose();
        uint vao = _vao, fbo = _framebuffer, color = _colorTexture;
        _device.EnqueueDeletion(gl =>
        {
            gl.DeleteVertexArray(vao);
            if (fbo != 0)
                gl.DeleteFramebuffer(fbo);
            if (color != 0)
                gl.DeleteTexture(color);
        });
    }

    private void Draw(ShaderProgram program, PixelRect rect)
    {
        float x = rect.X / Width * 2f - 1f;
        float y = 1f - (rect.Y + rect.Height) / Height * 2f;
        program.Set("uRect", x, y, rect.Width / Width * 2f, rect.Height / Height * 2f);
        _device.Gl.DrawArrays(PrimitiveType.TriangleStrip, 0, 4);
    }

    private void Bind(int unit, uint texture)
    {
        _device.Gl.ActiveTexture(TextureUnit.Texture0 + unit);
        _device.Gl.BindTexture(TextureTarget.Texture2D, texture);
    }

    private void AllocateTarget(int width, int height)
    {
        var gl = _device.Gl;
        if (_framebuffer != 0)
        {
            gl.DeleteFramebuffer(_framebuffer);
            gl.DeleteTexture(_colorTexture);
        }

        Width = width;
        Height = height;
        _colorTexture = gl.GenTexture();
        gl.BindTexture(TextureTarget.Texture2D, _colorTexture);
        gl.TexStorage2D(TextureTarget.Texture2D, 1, SizedInternalFormat.Rgba8, (uint)width, (uint)height);
        gl.BindTexture(TextureTarget.Texture2D, 0);
        _framebuffer = gl.GenFramebuffer();
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, _framebuffer);
        gl.FramebufferTexture2D(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, TextureTarget.Texture2D, _colorTexture, 0);
        var status = gl.CheckFramebufferStatus(FramebufferTarget.Framebuffer);
        gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
        if (status != GLEnum.FramebufferComplete)
            throw new GlException($"The {width}x{height} offscreen target is incomplete ({status}).");
    }
}
