/** A catalogue product. Prices are in cents, so totals add up exactly. */
export interface Product {
  id: string;
  name: string;
  price: number;
  stock: number;
}
