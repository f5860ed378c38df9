import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { SessionErrors, SessionService } from 'nest-session-kit';
import type { Product } from '../products/product';
import { ProductsRepository } from '../products/products.repository';
import { CartErrors } from './cart.errors';
import type { CartDto } from './cart.dto';
import type { Cart, CartLine, CartSession } from './cart-session';

/** Distinct products one cart may hold: the session is not a database. */
export const MAX_CART_PRODUCTS = 50;

/**
 * The cart kept in the session, at `session.cart`. Every change is an atomic read-modify-write
 * of the cart as stored now (SessionService.update), so concurrent requests on one session all
 * count, and the stock check sees what the other requests added.
 */
@Injectable()
export class CartService {
  constructor(
    private readonly products: ProductsRepository,
    private readonly sessions: SessionService,
  ) {}

  view(session: CartSession): CartDto {
    return this.viewOf(session.cart ?? {});
  }

  private viewOf(cart: Cart): CartDto {
    const lines = Object.entries(cart).sort(
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

  /** Adds to the line as stored now, so concurrent adds all count (up to the stock). */
  async add(req: Request, productId: string, quantity: number): Promise<CartDto> {
    const cart = await this.changeCart(req, (lines) => this.addLine(lines, productId, quantity));
    return this.viewOf(cart);
  }

  /** The same on a session the caller changes atomically (a gateway's `SessionSockets.update`). */
  addToSession(session: CartSession, productId: string, quantity: number): CartDto {
    this.addLine((session.cart ??= {}), productId, quantity);
    return this.view(session);
  }

  async setQuantity(req: Request, productId: string, quantity: number): Promise<CartDto> {
    const product = this.productOf(productId);
    const cart = await this.changeCart(req, (lines) => {
      const line = lineOf(lines, productId);
      if (!line) throw CartErrors.cartItemNotFound();
      if (quantity === 0) delete lines[productId];
      else {
        assertInStock(product, quantity);
        line.quantity = quantity;
      }
    });
    return this.viewOf(cart);
  }

  async remove(req: Request, productId: string): Promise<CartDto> {
    const cart = await this.changeCart(req, (lines) => {
      if (lineOf(lines, productId)) delete lines[productId];
    });
    return this.viewOf(cart);
  }

  async clear(req: Request): Promise<CartDto> {
    return this.viewOf(await this.changeCart(req, () => ({})));
  }

  private addLine(lines: Cart, productId: string, quantity: number): void {
    const product = this.productOf(productId);
    const line = lineOf(lines, productId);
    if (!line && Object.keys(lines).length >= MAX_CART_PRODUCTS) {
      throw SessionErrors.dataTooLarge('The cart', `${MAX_CART_PRODUCTS} products`);
    }
    const wanted = (line?.quantity ?? 0) + quantity;
    assertInStock(product, wanted);
    lines[productId] = { quantity: wanted, addedAt: line?.addedAt ?? Date.now() };
  }

  /** An atomic change of the stored cart; an emptied cart stays an empty object. */
  private async changeCart(req: Request, change: (lines: Cart) => Cart | void): Promise<Cart> {
    const cart = await this.sessions.update<Cart>(req, 'cart', (current) => {
      const lines = current ?? {};
      return change(lines) ?? lines;
    });
    return cart ?? {};
  }

  private productOf(productId: string): Product {
    const product = this.products.findById(productId);
    if (!product) throw CartErrors.productNotFound();
    return product;
  }
}

function lineOf(cart: Cart, productId: string): CartLine | undefined {
  return Object.hasOwn(cart, productId) ? cart[productId] : undefined;
}

function assertInStock(product: Product, quantity: number): void {
  if (quantity > product.stock) throw CartErrors.insufficientStock(product.stock);
}
