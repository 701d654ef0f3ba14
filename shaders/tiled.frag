#version 330 core
// Tiled preview: the texture repeated uTiles x uTiles times (3 shows every seam twice, both ways).
// uSeams > 0 marks the tile borders with a faint line so a seam can be told from texture detail.
uniform sampler2D uTexture;
uniform float uTiles;
uniform float uSeams;
in vec2 vUv;
out vec4 fragColor;

void main()
{
    vec2 uv = vUv * uTiles;
    vec3 color = texture(uTexture, uv).rgb;
    vec2 toBorder = abs(fract(uv + 0.5) - 0.5) / fwidth(uv);
    float onBorder = 1.0 - clamp(min(toBorder.x, toBorder.y), 0.0, 1.0);
    fragColor = vec4(mix(color, vec3(1.0, 0.85, 0.2), onBorder * uSeams * 0.6), 1.0);
}
