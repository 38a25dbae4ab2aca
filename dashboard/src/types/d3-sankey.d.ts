// The slice of d3-sankey 0.12 the dashboard uses (the package ships no types, and
// @types/d3-sankey would be one more install in a shared checkout).
declare module "d3-sankey" {
  export interface SankeyNode {
    index?: number;
    x0?: number;
    x1?: number;
    y0?: number;
    y1?: number;
    value?: number;
  }
  export interface SankeyLink<N> {
    source: number | N;
    target: number | N;
    value: number;
    width?: number;
    y0?: number;
    y1?: number;
  }
  export interface SankeyLayout<N, L> {
    (graph: { nodes: N[]; links: L[] }): { nodes: N[]; links: L[] };
    nodeWidth(width: number): this;
    nodePadding(padding: number): this;
    extent(extent: [[number, number], [number, number]]): this;
    nodeAlign(align: (node: N, n: number) => number): this;
  }
  export function sankey<N extends SankeyNode, L extends SankeyLink<N>>(): SankeyLayout<N, L>;
  export function sankeyLeft(node: SankeyNode, n: number): number;
  export function sankeyRight(node: SankeyNode, n: number): number;
  export function sankeyLinkHorizontal(): (link: SankeyLink<SankeyNode>) => string | null;
}
