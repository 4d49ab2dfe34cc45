"""Command line interface (placeholder, being written)."""
import click


@click.command()
def main() -> None:
    """lettercheck."""
