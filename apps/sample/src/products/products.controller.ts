import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProductListDto } from './products.dto';
import { ProductsRepository } from './products.repository';

@ApiTags('products')
@Controller('products')
export class ProductsController {
  constructor(private readonly products: ProductsRepository) {}

  @Get()
  @ApiOperation({ summary: 'The product catalogue, with stock' })
  @ApiOkResponse({ type: ProductListDto })
  list(): ProductListDto {
    return { products: this.products.list() };
  }
}
