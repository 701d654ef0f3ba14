#version 330 core
// The HUD panel: a rectangle given in window pixels (uRect: x, y, width, height; origin top-left).
uniform vec4 uRect;
uniform vec2 uViewport;
out vec2 vPixel;

void main()
{
    vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    vPixel = corner * uRect.zw;
    vec2 window = uRect.xy + vPixel;
    gl_Position = vec4(window.x / uViewport.x * 2.0 - 1.0, 1.0 - window.y / uViewport.y * 2.0, 0.0, 1.0);
}
