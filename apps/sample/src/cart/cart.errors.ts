import { HttpStatus } from '@nestjs/common';
import { SessionHttpException } from 'nest-session-kit';

export const CartErrors = {
  productNotFound: () =>
    new SessionHttpException(HttpStatus.NOT_FOUND, 'PRODUCT_NOT_FOUND', 'Product not found'),
  cartItemNotFound: () =>
    new SessionHttpException(
      HttpStatus.NOT_FOUND,
      'CART_ITEM_NOT_FOUND',
      'This product is not in the cart',
    ),
  insufficientStock: (available: number) =>
    new SessionHttpException(
      HttpStatus.CONFLICT,
      'INSUFFICIENT_STOCK',
      `Only ${available} in stock`,
      { available },
    ),
};
