#version 330 core
// A screen-space quad without vertex buffers: 4 vertices as a triangle strip, corners from gl_VertexID.
// uRect: x, y, width, height in normalised device coordinates (-1..1, y up).
// vUv runs 0..1 with v = 0 at the top, so images stored top row first appear upright.
uniform vec4 uRect;
out vec2 vUv;

void main()
{
    vec2 corner = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    vUv = vec2(corner.x, 1.0 - corner.y);
    gl_Position = vec4(uRect.xy + corner * uRect.zw, 0.0, 1.0);
}
