#version 330 core
// Text in a 3x5 pixel font, each font pixel uScale window pixels, on a translucent panel.
// uText holds one glyph bitmap per character (15 bits, bit 14 = top-left, row by row), uColumns
// characters a line; a character cell is 4x6 font pixels (one column and one row of spacing).
uniform int uText[480];
uniform int uCount;
uniform int uColumns;
uniform float uScale;
uniform vec4 uColor;
in vec2 vPixel;
out vec4 fragColor;

void main()
{
    vec2 fontPixel = floor(vPixel / uScale) - vec2(1.0);  // one font pixel of padding
    int column = int(floor(fontPixel.x / 4.0));
    int line = int(floor(fontPixel.y / 6.0));
    int x = int(fontPixel.x) - column * 4;
    int y = int(fontPixel.y) - line * 6;
    int index = line * uColumns + column;
    bool lit = false;
    if (fontPixel.x >= 0.0 && fontPixel.y >= 0.0 && column < uColumns && index < uCount && x < 3 && y < 5)
    {
        int bits = uText[index];
        lit = ((bits >> (14 - (y * 3 + x))) & 1) == 1;
    }
    fragColor = lit ? uColor : vec4(0.0, 0.0, 0.0, 0.55);
}
