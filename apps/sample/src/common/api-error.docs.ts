import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** The body of every error (see SAMPLE-API.md), for the OpenAPI docs. */
export class ApiErrorDto {
  @ApiProperty({ example: 404 })
  statusCode!: number;

  @ApiProperty({ description: 'Stable machine-readable code', example: 'PRODUCT_NOT_FOUND' })
  code!: string;

  @ApiProperty({ example: 'Product not found' })
  message!: string;

  @ApiPropertyOptional({
    description: 'VALIDATION_FAILED only: messages by field',
    example: { quantity: ['quantity must be an integer number'] },
  })
  errors?: Record<string, string[]>;
}

/** Documents an error response: its status, the codes it carries and when. */
export const ApiError = (status: number, codes: string[], description: string) =>
  ApiResponse({ status, type: ApiErrorDto, description: `${codes.join(', ')}: ${description}` });
