import { Injectable } from '@nestjs/common';
import type { Product } from './product';

const CATALOGUE: Product[] = [
  { id: 'keyboard', name: 'Mechanical keyboard', price: 8900, stock: 10 },
  { id: 'mouse', name: 'Wireless mouse', price: 2900, stock: 25 },
  { id: 'monitor', name: '27-inch monitor', price: 24900, stock: 3 },
  { id: 'webcam', name: 'HD webcam', price: 5900, stock: 5 },
  { id: 'headset', name: 'USB headset', price: 4900, stock: 0 },
];

/** The in-memory product catalogue, with stock. */
@Injectable()
export class ProductsRepository {
  private readonly products = new Map(CATALOGUE.map((product) => [product.id, { ...product }]));

  list(): Product[] {
    return [...this.products.values()].map((product) => ({ ...product }));
  }

  findById(id: string): Product | undefined {
    const product = this.products.get(id);
    return product && { ...product };
  }
}
