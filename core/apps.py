from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Redress core"

    def ready(self):
        from PIL import Image
        from pillow_heif import register_heif_opener

        from .uploads import MAX_IMAGE_PIXELS

        # PIL warns above its limit and refuses above twice it (DecompressionBombError). Its
        # default (about 89 megapixels) is set here to Redress's own, for every decoding.
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        # HEIC and HEIF photos from phones open and save through Pillow.
        register_heif_opener()
