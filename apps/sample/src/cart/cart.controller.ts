import { Body, Controller, Delete, Get, Param, Patch, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Session, type AppSession } from 'nest-session-kit';
import { ApiError, ApiErrorDto } from '../common/api-error.docs';
import { AddCartItemDto, CartDto, UpdateCartItemDto } from './cart.dto';
import { CartService } from './cart.service';

@ApiTags('cart')
@Controller('cart')
export class CartController {
  constructor(private readonly cart: CartService) {}

  @Get()
  @ApiOperation({ summary: 'The cart, with subtotals and total (works before login)' })
  @ApiOkResponse({ type: CartDto })
  view(@Session() session: AppSession): CartDto {
    return this.cart.view(session);
  }

  @Post('items')
  @ApiOperation({ summary: 'Adds a quantity of a product to the cart' })
  @ApiCreatedResponse({ type: CartDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED' })
  @ApiError(404, ['PRODUCT_NOT_FOUND'], 'no such product')
  @ApiError(409, ['INSUFFICIENT_STOCK'], 'more than the stock; `available` tells how many')
  @ApiError(413, ['SESSION_DATA_TOO_LARGE'], 'the cart holds too many products')
  add(@Req() req: Request, @Body() body: AddCartItemDto): Promise<CartDto> {
    return this.cart.add(req, body.productId, body.quantity);
  }

  @Patch('items/:productId')
  @ApiOperation({ summary: "Changes a product's quantity; 0 removes it" })
  @ApiOkResponse({ type: CartDto })
  @ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED' })
  @ApiError(404, ['PRODUCT_NOT_FOUND', 'CART_ITEM_NOT_FOUND'], 'no such product in the cart')
  @ApiError(409, ['INSUFFICIENT_STOCK'], 'more than the stock; `available` tells how many')
  update(
    @Req() req: Request,
    @Param('productId') productId: string,
    @Body() body: UpdateCartItemDto,
  ): Promise<CartDto> {
    return this.cart.setQuantity(req, productId, body.quantity);
  }

  @Delete('items/:productId')
  @ApiOperation({ summary: 'Removes a product from the cart' })
  @ApiOkResponse({ type: CartDto })
  remove(@Req() req: Request, @Param('productId') productId: string): Promise<CartDto> {
    return this.cart.remove(req, productId);
  }

  @Delete()
  @ApiOperation({ summary: 'Empties the cart' })
  @ApiOkResponse({ type: CartDto })
  clear(@Req() req: Request): Promise<CartDto> {
    return this.cart.clear(req);
  }
}
