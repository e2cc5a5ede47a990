/* true: exits with status 0 and does nothing else. */
int main(void)
{
	return 0;
}
