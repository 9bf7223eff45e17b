// Apart from the layout code (graph-layout.ts, which carries dagre): the canvas needs the sizes
// but runs no layout itself, and should not load dagre with it.
export const NODE_WIDTH = 216;
export const NODE_HEIGHT = 68;
