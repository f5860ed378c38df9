import { Injectable } from '@nestjs/common';
import { SessionErrors } from 'nest-session-kit';
import type { Product } from '../products/product';
import { ProductsRepository } from '../products/products.repository';
import { CartErrors } from './cart.errors';
import type { CartDto } from './cart.dto';
import type { CartLine, CartSession } from './cart-session';

/** Distinct products one cart may hold: the session is not a database. */
export const MAX_CART_PRODUCTS = 50;

/**
 * The cart kept in the session, at `session.cart`. Every change touches only the product it is
 * about, and an emptied cart stays an empty object: so the store's key-by-key merge keeps the
 * changes of concurrent requests to other products.
 */
@Injectable()
export class CartService {
  constructor(private readonly products: ProductsRepository) {}

  view(session: CartSession): CartDto {
    const lines = Object.entries(session.cart ?? {}).sort(
      ([idA, a], [idB, b]) => a.addedAt - b.addedAt || idA.localeCompare(idB),
    );
    const items = lines.flatMap(([productId, line]) => {
      const product = this.products.findById(productId);
      if (!product) return [];
      const { name, price } = product;
      return [{ productId, name, price, quantity: line.quantity, subtotal: price * line.quantity }];
    });
    return {
      items,
      total: items.reduce((sum, item) => sum + item.subtotal, 0),
      count: items.reduce((sum, item) => sum + item.quantity, 0),
    };
  }

  add(session: CartSession, productId: string, quantity: number): CartDto {
    const product = this.productOf(productId);
    const line = this.lineOf(session, productId);
    if (!line && Object.keys(session.cart ?? {}).length >= MAX_CART_PRODUCTS) {
      throw SessionErrors.dataTooLarge('The cart', `${MAX_CART_PRODUCTS} products`);
    }
    const wanted = (line?.quantity ?? 0) + quantity;
    assertInStock(product, wanted);
    (session.cart ??= {})[productId] = { quantity: wanted, addedAt: line?.addedAt ?? Date.now() };
    return this.view(session);
  }

  setQuantity(session: CartSession, productId: string, quantity: number): CartDto {
    const product = this.productOf(productId);
    const line = this.lineOf(session, productId);
    if (!line) throw CartErrors.cartItemNotFound();
    if (quantity === 0) return this.remove(session, productId);
    assertInStock(product, quantity);
    if (line.quantity !== quantity) line.quantity = quantity;
    return this.view(session);
  }

  remove(session: CartSession, productId: string): CartDto {
    if (this.lineOf(session, productId)) delete session.cart?.[productId];
    return this.view(session);
  }

  clear(session: CartSession): CartDto {
    const cart = session.cart ?? {};
    for (const productId of Object.keys(cart)) delete cart[productId];
    return this.view(session);
  }

  private productOf(productId: string): Product {
    const product = this.products.findById(productId);
    if (!product) throw CartErrors.productNotFound();
    return product;
  }

  private lineOf(session: CartSession, productId: string): CartLine | undefined {
    const cart = session.cart;
    return cart && Object.hasOwn(cart, productId) ? cart[productId] : undefined;
  }
}

function assertInStock(product: Product, quantity: number): void {
  if (quantity > product.stock) throw CartErrors.insufficientStock(product.stock);
}
