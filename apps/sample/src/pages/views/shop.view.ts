import { html, type Html } from '../html';
import type { Product } from '../../products/product';
import type { CartDto } from '../../cart/cart.dto';
import { csrfField } from './forms';

export interface ShopView {
  products: Product[];
  cart: CartDto;
  csrfToken: string;
}

export function shopView({ products, cart, csrfToken }: ShopView): Html {
  return html`<h1>Shop</h1>
    <p class="cart-summary">
      <span>Items in your cart:</span>
      <strong class="badge" data-testid="cart-count">${cart.count}</strong>
      <span class="muted">Total ${price(cart.total)}</span>
    </p>
    <section aria-labelledby="products-heading">
      <h2 id="products-heading">Products</h2>
      <div class="products">${products.map((product) => productCard(product, csrfToken))}</div>
    </section>
    <section aria-labelledby="cart-heading">
      <h2 id="cart-heading">Your cart</h2>
      ${
        cart.items.length === 0
          ? html`<p class="muted">Your cart is empty.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">Product</th>
                  <th scope="col">Quantity</th>
                  <th scope="col">Subtotal</th>
                </tr>
              </thead>
              <tbody>
                ${cart.items.map(
                  (item) =>
                    html`<tr data-testid="cart-line" data-product-id="${item.productId}">
                      <td>${item.name}</td>
                      <td>${item.quantity}</td>
                      <td>${price(item.subtotal)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>`;
}

function productCard(product: Product, csrfToken: string): Html {
  const soldOut = product.stock === 0;
  return html`<article class="card product">
    <h3>${product.name}</h3>
    <p class="price">${price(product.price)}</p>
    <p class="muted">${soldOut ? 'Out of stock' : `${product.stock} in stock`}</p>
    <form method="post" action="/shop/cart">
      ${csrfField(csrfToken)}
      <input type="hidden" name="productId" value="${product.id}" />
      <button
        type="submit"
        data-testid="add-to-cart"
        data-product-id="${product.id}"
        aria-label="Add ${product.name} to the cart"
        ${soldOut ? 'disabled' : ''}
      >
        Add to cart
      </button>
    </form>
  </article>`;
}

/** Prices are in cents. */
export function price(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
