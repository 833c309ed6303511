from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import path


def hello(request):
    # The hashed name exists only if collectstatic's manifest reached the image.
    return HttpResponse(f"Hello Docker ({static('hello.css')})")


urlpatterns = [path("", hello)]
